package dev.xiaozhi.relay.upstream.http;

import dev.xiaozhi.relay.config.HttpTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import dev.xiaozhi.relay.upstream.mcp.McpClientConnection;
import dev.xiaozhi.relay.upstream.mcp.McpServerClient;
import dev.xiaozhi.relay.upstream.mcp.McpWire;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code http} target: an MCP server over Streamable HTTP (or, with {@code transport: sse}, the HTTP+SSE transport
 * of 2024-11-05, whose answers come on one GET event stream). Every message is a POST; answers come back as JSON or
 * as an event stream (progress first, the result last), bounded in size; of an error or unused body no more than
 * an excerpt is read, and the connection is dropped when the body is longer. The session id is kept, the protocol
 * version sent, an expired session (404) is initialized again and the request resent once. Requests are signed with
 * SigV4 when configured (AgentCore Gateway). While the server is unreachable the last good tool list stays.
 */
public final class HttpToolClient extends McpServerClient {

    private static final Logger LOG = LoggerFactory.getLogger(HttpToolClient.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String VERSION_HEADER = "MCP-Protocol-Version";
    private static final String ACCEPT = "application/json, text/event-stream";
    private static final int EXCERPT_CHARS = 200;
    /** Enough of an error body for its excerpt, in any UTF-8. */
    private static final int EXCERPT_BYTES = EXCERPT_CHARS * 4;
    /** A stalled exchange is dropped a little after the call deadline, which reports first. */
    private static final long IDLE_MARGIN_MS = 1_000;

    private final HttpTargetSpec spec;
    private final Optional<SigV4Signer> signer;
    private HttpClientAgent client;
    private URI postUrl;
    private HttpClientResponse stream;
    private String sessionId;

    /** Creates the client of an http target. */
    public HttpToolClient(Vertx vertx, TargetConfig config, HttpTargetSpec spec) {
        super(vertx, config);
        this.spec = spec;
        this.signer = spec.sigv4().map(SigV4Signer::withDefaultCredentials);
    }

    @Override
    public Future<Void> start() {
        boolean tls = "https".equals(spec.url().getScheme());
        client = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(tls).setTrustAll(false).setVerifyHost(true)
                .setTcpNoDelay(true).setKeepAlive(true)
                .setConnectTimeout((int) spec.connectTimeout().toMillis()));
        reconnect();
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        restarts.stop();
        lost(config.name() + " is stopping");
        closeStream();
        return client == null ? Future.succeededFuture() : client.close();
    }

    @Override
    protected String notReadyMessage() {
        return "is not reachable yet; try again shortly";
    }

    /** Drops the session and connects again, after the restart delay. */
    @Override
    protected void unresponsive(String reason) {
        lost(reason);
        scheduleReconnect();
    }

    private void reconnect() {
        sessionId = null;
        closeStream();
        connect(wire());
        Future<Void> connected;
        if (spec.transport() == HttpTargetSpec.Transport.SSE) {
            Promise<Void> endpoint = Promise.promise();
            connected = openStream((event, data) -> {
                if ("endpoint".equals(event)) {
                    postUrl = spec.url().resolve(data.trim());
                    endpoint.tryComplete();
                } else {
                    connection().onMessage(data);
                }
            }).compose(status -> status == 200 ? endpoint.future()
                    : Future.failedFuture("event stream answered HTTP " + status))
                    .compose(v -> handshake());
        } else {
            postUrl = spec.url();
            connected = handshake().onSuccess(v -> openStream((event, data) -> connection().onMessage(data))
                    .onSuccess(status -> LOG.debug("notification stream [target: {}, status: {}]", config.name(),
                            status)));
        }
        connected.onFailure(e -> {
            LOG.warn("server not reachable [target: {}]: {}", config.name(), e.getMessage());
            scheduleReconnect();
        });
    }

    /**
     * Opens the GET event stream: the answers of an SSE server, or a Streamable HTTP server's own notifications.
     * The future holds the HTTP status; when an open stream ends, the SSE transport reconnects.
     */
    private Future<Integer> openStream(BiConsumer<String, String> onEvent) {
        Map<String, String> headers = new HashMap<>(spec.headers());
        headers.put(HttpHeaders.ACCEPT.toString(), "text/event-stream");
        if (sessionId != null) {
            headers.put(SESSION_HEADER, sessionId);
        }
        return signedHeaders("GET", spec.url(), headers, new byte[0])
                .compose(signed -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
                        .setAbsoluteURI(spec.url().toString()).setHeaders(signed)))
                .compose(HttpClientRequest::send)
                .map(response -> {
                    if (response.statusCode() != 200) {
                        discard(response);
                        return response.statusCode();
                    }
                    stream = response;
                    SseParser parser = new SseParser(spec.maxResponseBytes(), onEvent);
                    response.handler(chunk -> {
                        if (!parser.feed(chunk)) {
                            dropStream(response);
                        }
                    });
                    response.endHandler(v -> onStreamEnd(response));
                    response.exceptionHandler(e -> onStreamEnd(response));
                    return 200;
                });
    }

    private void onStreamEnd(HttpClientResponse ended) {
        if (stream == ended && !restarts.stopped() && spec.transport() == HttpTargetSpec.Transport.SSE) {
            stream = null;
            LOG.warn("event stream ended [target: {}]", config.name());
            scheduleReconnect();
        }
    }

    /** Drops an event stream that sent a line or event over the bound; the SSE transport connects again. */
    private void dropStream(HttpClientResponse overflowing) {
        if (stream != overflowing) {
            return;
        }
        LOG.warn("event stream dropped: a line or event over the limit [target: {}, limit: {} bytes]", config.name(),
                spec.maxResponseBytes());
        closeStream();
        if (spec.transport() == HttpTargetSpec.Transport.SSE) {
            scheduleReconnect();
        }
    }

    private void closeStream() {
        HttpClientResponse open = stream;
        stream = null;
        if (open != null) {
            open.request().reset();
        }
    }

    private void scheduleReconnect() {
        if (!restarts.stopped()) {
            lost(config.name() + " is not reachable");
            restarts.schedule(this::reconnect);
        }
    }

    private McpWire wire() {
        return (requestId, json) -> post(requestId, json, true);
    }

    private void post(long requestId, String json, boolean mayReinitialize) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(spec.headers());
        headers.put(HttpHeaders.CONTENT_TYPE.toString(), "application/json");
        headers.put(HttpHeaders.ACCEPT.toString(), ACCEPT);
        if (sessionId != null) {
            headers.put(SESSION_HEADER, sessionId);
        }
        McpClientConnection connection = connection();
        if (connection != null && connection.version() != null) {
            headers.put(VERSION_HEADER, connection.version());
        }
        URI target = postUrl;
        signedHeaders("POST", target, headers, body)
                .compose(signed -> {
                    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                            .setAbsoluteURI(target.toString()).setHeaders(signed)
                            .setIdleTimeout(config.timeout().toMillis() + IDLE_MARGIN_MS);
                    return client.request(options).compose(request -> request.send(Buffer.buffer(body)));
                })
                .onSuccess(response -> onResponse(requestId, json, response, mayReinitialize))
                .onFailure(e -> failRequest(requestId, e));
    }

    private Future<MultiMap> signedHeaders(String method, URI url, Map<String, String> headers, byte[] body) {
        if (signer.isEmpty()) {
            MultiMap plain = MultiMap.caseInsensitiveMultiMap();
            headers.forEach(plain::add);
            return Future.succeededFuture(plain);
        }
        return vertx.executeBlocking(() -> {
            MultiMap signed = MultiMap.caseInsensitiveMultiMap();
            signer.get().sign(method, url, headers, body).forEach((name, values) -> {
                if (!"host".equalsIgnoreCase(name)) {
                    signed.add(name, values);
                }
            });
            return signed;
        });
    }

    private void onResponse(long requestId, String json, HttpClientResponse response, boolean mayReinitialize) {
        String session = response.getHeader(SESSION_HEADER);
        if (session != null) {
            sessionId = session;
        }
        int status = response.statusCode();
        if (status == 404 && sessionId != null && mayReinitialize && requestId != McpWire.NO_REQUEST) {
            discard(response);
            LOG.info("session expired, initializing again [target: {}]", config.name());
            reinitialize().onSuccess(v -> post(requestId, json, false)).onFailure(e -> failRequest(requestId, e));
            return;
        }
        if (status >= 300) {
            BoundedBody.head(response, headBytes()).onComplete(body -> failRequest(requestId,
                    UpstreamCallException.ofHttpStatus(status, "HTTP " + status + (body.succeeded() ? ": "
                            + BoundedBody.excerpt(body.result(), EXCERPT_CHARS) : ""), null)));
            return;
        }
        String type = String.valueOf(response.getHeader(HttpHeaders.CONTENT_TYPE));
        BoundedBody bounded = new BoundedBody(spec.maxResponseBytes());
        if (spec.transport() == HttpTargetSpec.Transport.SSE) {
            discard(response);
        } else if (type.startsWith("text/event-stream")) {
            SseParser parser = new SseParser(spec.maxResponseBytes(), (event, data) -> connection().onMessage(data));
            response.handler(chunk -> {
                if (!bounded.add(chunk) || !parser.feed(chunk)) {
                    response.request().reset();
                    failRequest(requestId, bounded.tooLarge());
                }
            });
            response.exceptionHandler(e -> failRequest(requestId, e));
        } else if (status != 202) {
            Buffer whole = Buffer.buffer();
            response.handler(chunk -> {
                if (bounded.add(chunk)) {
                    whole.appendBuffer(chunk);
                } else {
                    response.request().reset();
                    failRequest(requestId, bounded.tooLarge());
                }
            });
            response.endHandler(v -> {
                if (!bounded.exceeded() && whole.length() > 0) {
                    connection().onMessage(whole.toString(StandardCharsets.UTF_8));
                }
            });
        }
    }

    /** Reads no more of an unused body than an excerpt's worth; a longer one costs the connection. */
    private void discard(HttpClientResponse response) {
        BoundedBody.head(response, headBytes());
    }

    private int headBytes() {
        return Math.min(EXCERPT_BYTES, spec.maxResponseBytes());
    }

    private Future<Void> reinitialize() {
        sessionId = null;
        return connection().initialize(RelayInfo.version(), config.timeout().toMillis());
    }

    private void failRequest(long requestId, Throwable cause) {
        if (requestId != McpWire.NO_REQUEST && connection() != null) {
            connection().fail(requestId, cause);
        } else {
            LOG.debug("message to server failed [target: {}]: {}", config.name(), cause.getMessage());
        }
    }
}
