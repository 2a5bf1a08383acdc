package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.config.OpenApiTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.secret.MissingSecretException;
import dev.xiaozhi.relay.secret.SecretResolver;
import dev.xiaozhi.relay.upstream.ToolClient;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import dev.xiaozhi.relay.upstream.credential.Credential;
import dev.xiaozhi.relay.upstream.credential.RequestAuth;
import dev.xiaozhi.relay.upstream.credential.TargetCredentials;
import dev.xiaozhi.relay.upstream.http.BoundedBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code openapi} target: each operation of an OpenAPI document is a tool; a call becomes one HTTP request with the
 * tenant's credentials injected, sent only to public addresses (unless allowed otherwise) and only over http or
 * https (also with private networks allowed), following at most {@code maxRedirects} redirects and reading at most
 * {@code maxResponseBytes}.
 */
public final class OpenApiToolClient implements ToolClient {

    private static final Logger LOG = LoggerFactory.getLogger(OpenApiToolClient.class);
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final long IDLE_MARGIN_MS = 1_000;
    private static final String TENANT_HEADER = "X-Relay-Tenant";
    private static final String DEVICE_HEADER = "X-Relay-Device";

    private final Vertx vertx;
    private final TargetConfig config;
    private final OpenApiTargetSpec spec;
    private final SecretResolver secrets;
    private final Map<String, AuthConfig> tenantAuth;
    private final DestinationGuard guard;
    private final Map<String, OpenApiOperation> operations = new LinkedHashMap<>();
    private final Map<String, HttpClientRequest> inFlight = new HashMap<>();
    private HttpClientAgent client;
    private TargetCredentials credentials;
    private URI baseUrl;
    private ArrayNode tools;

    /**
     * @param tenantAuth tenants' own credentials for this target, by tenant id
     */
    public OpenApiToolClient(Vertx vertx, TargetConfig config, OpenApiTargetSpec spec, SecretResolver secrets,
            Map<String, AuthConfig> tenantAuth) {
        this.vertx = vertx;
        this.config = config;
        this.spec = spec;
        this.secrets = secrets;
        this.tenantAuth = Map.copyOf(tenantAuth);
        this.guard = new DestinationGuard(vertx, spec.allowPrivateNetwork());
    }

    @Override
    public Future<Void> start() {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setTcpNoDelay(true).setKeepAlive(true).setVerifyHost(true).setForceSni(true)
                .setConnectTimeout((int) spec.connectTimeout().toMillis()));
        credentials = new TargetCredentials(spec.auth(), tenantAuth, secrets, client, config.timeout().toMillis());
        OpenApiOptions options = new OpenApiOptions(spec.descriptionMaxChars(), spec.include(), spec.exclude(),
                injectedNames());
        return vertx.executeBlocking(() -> OpenApiDocument.load(spec.spec(), spec.baseDir(), options), false)
                .compose(document -> {
                    baseUrl = baseUrl(document);
                    tools = Json.MAPPER.createArrayNode();
                    for (OpenApiOperation operation : document.operations()) {
                        operations.put(operation.toolName(), operation);
                        ObjectNode tool = tools.addObject();
                        tool.put("name", operation.toolName());
                        tool.put("description", operation.description());
                        tool.set("inputSchema", operation.inputSchema());
                    }
                    LOG.info("openapi document loaded [target: {}, title: {}, operations: {}]", config.name(),
                            LogFields.escape(document.title()), operations.size());
                    return Future.<Void>succeededFuture();
                });
    }

    @Override
    public Future<JsonNode> listTools() {
        return Future.succeededFuture(tools);
    }

    @Override
    public Future<ToolReply> call(ToolCall call) {
        OpenApiOperation operation = operations.get(call.tool());
        if (operation == null) {
            return Future.succeededFuture(new ToolReply(ToolResults.error("unknown tool " + call.tool()), true));
        }
        ApiRequest request;
        try {
            request = ApiRequestBuilder.build(operation, call.arguments());
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(new ToolReply(ToolResults.error(e.getMessage()), true));
        }
        Credential credential = credentials.forTenant(call.tenant());
        return send(call, request, credential, true).recover(failure -> {
            if (failure instanceof MissingSecretException missing) {
                LOG.warn("secret missing [target: {}, tenant: {}]: {}", config.name(), call.tenant(),
                        missing.getMessage());
                return Future.succeededFuture(new ToolReply(ToolResults.error(config.name()
                        + " cannot authenticate: " + missing.getMessage()), true));
            }
            return Future.failedFuture(failure);
        });
    }

    @Override
    public void cancel(String callId, String reason) {
        HttpClientRequest request = inFlight.remove(callId);
        if (request != null) {
            request.reset();
        }
    }

    @Override
    public Future<Void> stop() {
        return client == null ? Future.succeededFuture() : client.close();
    }

    /** Headers and query parameters the relay fills itself, so they are no arguments. */
    private Set<String> injectedNames() {
        Set<String> names = new HashSet<>();
        spec.headers().keySet().forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        List<AuthConfig> auths = new ArrayList<>(tenantAuth.values());
        spec.auth().ifPresent(auths::add);
        auths.forEach(auth -> {
            if (auth instanceof AuthConfig.ApiKey key) {
                names.add(key.name().toLowerCase(Locale.ROOT));
            }
        });
        return names;
    }

    private Future<ToolReply> send(ToolCall call, ApiRequest request, Credential credential, boolean mayRetry) {
        return Future.all(credential.authorize(), configuredHeaders()).compose(ready -> {
            RequestAuth auth = ready.resultAt(0);
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            headers.addAll(ready.<Map<String, String>>resultAt(1));
            headers.addAll(request.headers());
            headers.addAll(auth.headers());
            if (spec.identityHeaders()) {
                headers.set(TENANT_HEADER, call.tenant()).set(DEVICE_HEADER, call.device());
            }
            headers.set(HttpHeaders.ACCEPT, "application/json, */*;q=0.5");
            if (request.body() != null) {
                headers.set(HttpHeaders.CONTENT_TYPE, request.contentType());
            }
            List<String> query = new ArrayList<>(request.query());
            auth.query().forEach((name, value) -> query.add(ParameterSerializer.encode(name) + "="
                    + ParameterSerializer.encode(value)));
            URI url = URI.create(join(baseUrl, request.path()) + (query.isEmpty() ? "" : "?" + String.join("&",
                    query)));
            return exchange(call, HttpMethod.valueOf(request.method()), url, headers, request.body(),
                    spec.maxRedirects());
        }).compose(response -> {
            if (response.status() == 401 && mayRetry) {
                credential.rejected();
                return send(call, request, credential, false);
            }
            return ApiResponses.reply(response.status(), response.contentType(), response.body());
        });
    }

    private Future<Map<String, String>> configuredHeaders() {
        List<String> names = new ArrayList<>(spec.headers().keySet());
        return Future.all(names.stream().map(name -> secrets.resolve(spec.headers().get(name))).toList())
                .map(values -> {
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        headers.put(names.get(i), values.resultAt(i));
                    }
                    return headers;
                });
    }

    /** One request, then its redirects; headers are dropped when a redirect leaves the API's origin. */
    private Future<ApiResponse> exchange(ToolCall call, HttpMethod method, URI url, MultiMap headers, String body,
            int redirectsLeft) {
        boolean tls = "https".equals(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        return guard.check(url).compose(address -> {
            RequestOptions options = new RequestOptions().setMethod(method).setSsl(tls).setHost(url.getHost())
                    .setPort(port).setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
                    .setHeaders(headers).setIdleTimeout(config.timeout().toMillis() + IDLE_MARGIN_MS);
            if (address != null) {
                options.setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()));
            }
            return client.request(options);
        }).compose(request -> {
            inFlight.put(call.callId(), request);
            return (body == null ? request.send() : request.send(body))
                    .recover(failure -> Future.failedFuture(inFlight.containsKey(call.callId()) ? failure
                            : new UpstreamCallException(CallOutcome.CANCELLED, "the caller stopped waiting")))
                    .andThen(done -> inFlight.remove(call.callId()));
        }).compose(response -> {
            String location = response.getHeader(HttpHeaders.LOCATION);
            if (REDIRECTS.contains(response.statusCode()) && location != null && redirectsLeft > 0) {
                response.request().reset();
                URI next = url.resolve(location);
                boolean keepsMethod = response.statusCode() == 307 || response.statusCode() == 308;
                MultiMap nextHeaders = sameOrigin(next, baseUrl) ? headers : MultiMap.caseInsensitiveMultiMap()
                        .add(HttpHeaders.ACCEPT, headers.get(HttpHeaders.ACCEPT));
                return exchange(call, keepsMethod ? method : HttpMethod.GET, next, nextHeaders,
                        keepsMethod ? body : null, redirectsLeft - 1);
            }
            return BoundedBody.read(response, spec.maxResponseBytes()).map(read -> new ApiResponse(
                    response.statusCode(), response.getHeader(HttpHeaders.CONTENT_TYPE), read));
        });
    }

    private URI baseUrl(OpenApiDocument document) {
        if (spec.baseUrl().isPresent()) {
            return spec.baseUrl().get();
        }
        String server = document.serverUrl().orElseThrow(() -> new IllegalStateException("target " + config.name()
                + ": the OpenAPI document names no server; set baseUrl"));
        URI url = URI.create(server);
        if (!url.isAbsolute()) {
            if (!spec.spec().startsWith("http://") && !spec.spec().startsWith("https://")) {
                throw new IllegalStateException("target " + config.name() + ": the document's server " + server
                        + " is relative; set baseUrl");
            }
            url = URI.create(spec.spec()).resolve(url);
        }
        return url;
    }

    private static String join(URI base, String path) {
        String text = base.toString();
        return (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equals(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI url) {
        return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    /** A response read whole. */
    private record ApiResponse(int status, String contentType, Buffer body) {
    }
}
