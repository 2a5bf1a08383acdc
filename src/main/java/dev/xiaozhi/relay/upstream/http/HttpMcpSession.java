package dev.xiaozhi.relay.upstream.http;

import dev.xiaozhi.relay.config.HttpTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import dev.xiaozhi.relay.upstream.mcp.McpClientConnection;
import dev.xiaozhi.relay.upstream.mcp.McpWire;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session with an http target's server, as the HTTP exchanges that carry it: every message a POST (answered
 * as JSON or an event stream, bounded in size; of an error or unused body no more than an excerpt is read), the
 * session id kept and the protocol version sent, an expired session (404) initialized again and the request resent
 * once, the GET event stream, and the DELETE that ends it. Requests are signed with SigV4 when configured. Used on
 * the target's context.
 */
final class HttpMcpSession {

    private static final Logger LOG = LoggerFactory.getLogger(HttpMcpSession.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String VERSION_HEADER = "MCP-Protocol-Version";
    private static final String ACCEPT = "application/json, text/event-stream";
    private static final int EXCERPT_CHARS = 200;
    /** Enough of an error body for its excerpt, in any UTF-8. */
    private static final int EXCERPT_BYTES = EXCERPT_CHARS * 4;
    /** A stalled exchange is dropped a little after the call deadline, which reports first. */
    private static final long IDLE_MARGIN_MS = 1_000;

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final TargetConfig config;
    private final HttpTargetSpec spec;
    private final Optional<SigV4Signer> signer;
    private McpClientConnection connection;
    private URI postUrl;
    private HttpClientResponse stream;
    private String sessionId;
    private Future<Void> renewal = Future.succeededFuture();

    HttpMcpSession(Vertx vertx, HttpClientAgent client, TargetConfig config, HttpTargetSpec spec,
            Optional<SigV4Signer> signer) {
        this.vertx = vertx;
        this.client = client;
        this.config = config;
        this.spec = spec;
        this.signer = signer;
        this.postUrl = spec.url();
    }

    /** Carries the messages of this connection from now on. */
    void bind(McpClientConnection carried) {
        connection = carried;
    }

    /** Where messages are POSTed: the endpoint an SSE server announced. */
    void postUrl(URI url) {
        postUrl = url;
    }

    /** The wire of the connection: a POST per message. */
    McpWire wire() {
        return (requestId, json) -> post(requestId, json, true);
    }

    /**
     * Opens the GET event stream: the answers of an SSE server, or a Streamable HTTP server's own messages. The
     * future holds the HTTP status; {@code onLost} runs when an open stream ends or is dropped for a line or event
     * over the bound.
     */
    Future<Integer> openStream(BiConsumer<String, String> onEvent, Runnable onLost) {
        Map<String, String> headers = new HashMap<>(spec.headers());
        headers.put(HttpHeaders.ACCEPT.toString(), "text/event-stream");
        if (sessionId != null) {
            headers.put(SESSION_HEADER, sessionId);
        }
        return signedHeaders("GET", spec.url(), headers, new byte[0])
                .compose(signed -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
                        .setAbsoluteURI(spec.url().toString()).setHeaders(signed)))
                .compose(HttpClientRequest::send)
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return forgot(response).map(gone -> gone ? 404 : response.statusCode());
                    }
                    stream = response;
                    SseParser parser = new SseParser(spec.maxResponseBytes(), onEvent);
                    response.handler(chunk -> {
                        if (!parser.feed(chunk) && stream == response) {
                            LOG.warn("event stream dropped: a line or event over the limit [target: {}, limit: {} "
                                    + "bytes]", config.name(), spec.maxResponseBytes());
                            closeStream();
                            onLost.run();
                        }
                    });
                    response.endHandler(v -> ended(response, onLost));
                    response.exceptionHandler(e -> ended(response, onLost));
                    return Future.succeededFuture(200);
                });
    }

    private void ended(HttpClientResponse response, Runnable onLost) {
        if (stream == response) {
            stream = null;
            onLost.run();
        }
    }

    /** Drops the GET event stream, if open. */
    void closeStream() {
        HttpClientResponse open = stream;
        stream = null;
        if (open != null) {
            open.request().reset();
        }
    }

    /** The id the server gave this session; null before it gave one, and for a stateless server. */
    String id() {
        return sessionId;
    }

    /** Whether a new session is being initialized. */
    boolean renewing() {
        return !renewal.isComplete();
    }

    /**
     * The server refused a request sent under {@code staleId} as of a session it does not know (it restarted, say):
     * a new session is initialized, once however many requests learn of it, and the connection's reinitialized
     * handler asks the new one for what the session had asked.
     */
    Future<Void> renew(String staleId) {
        if (staleId != null && staleId.equals(sessionId)) {
            LOG.info("session expired, initializing again [target: {}]", config.name());
            sessionId = null;
            renewal = connection.initialize(RelayInfo.version(), config.timeout().toMillis());
        }
        return renewal;
    }

    /** Ends the session at the server (DELETE with its id) and drops its stream; nobody waits for the answer. */
    void delete() {
        closeStream();
        String ending = sessionId;
        sessionId = null;
        if (ending == null) {
            return;
        }
        Map<String, String> headers = new HashMap<>(spec.headers());
        headers.put(SESSION_HEADER, ending);
        if (connection != null && connection.version() != null) {
            headers.put(VERSION_HEADER, connection.version());
        }
        signedHeaders("DELETE", spec.url(), headers, new byte[0])
                .compose(signed -> client.request(new RequestOptions().setMethod(HttpMethod.DELETE)
                        .setAbsoluteURI(spec.url().toString()).setHeaders(signed)
                        .setIdleTimeout(config.timeout().toMillis())))
                .compose(HttpClientRequest::send)
                .onSuccess(this::discard)
                .onFailure(e -> LOG.debug("session delete failed [target: {}]: {}", config.name(), e.getMessage()));
    }

    private void post(long requestId, String json, boolean mayReinitialize) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(spec.headers());
        headers.put(HttpHeaders.CONTENT_TYPE.toString(), "application/json");
        headers.put(HttpHeaders.ACCEPT.toString(), ACCEPT);
        String used = sessionId;
        Future<Void> renewing = renewal.isComplete() ? null : renewal;
        if (used != null) {
            headers.put(SESSION_HEADER, used);
        }
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
                .onSuccess(response -> onResponse(requestId, json, new Sent(used, renewing, mayReinitialize),
                        response))
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

    /**
     * How a request went: under which session id (null for none), whether a new session was being initialized
     * meanwhile (its future, else null), and whether it may go again on a new session.
     */
    private record Sent(String sessionId, Future<Void> renewing, boolean mayGoAgain) {
    }

    private void onResponse(long requestId, String json, Sent sent, HttpClientResponse response) {
        String session = response.getHeader(SESSION_HEADER);
        if (session != null) {
            sessionId = session;
        }
        int status = response.statusCode();
        boolean again = sent.mayGoAgain() && requestId != McpWire.NO_REQUEST
                && (sent.sessionId() != null || sent.renewing() != null);
        if (status == 404 && again) {
            discard(response);
            resend(requestId, json, sent);
            return;
        }
        if (status >= 300) {
            BoundedBody.head(response, headBytes()).onComplete(body -> {
                if (status == 400 && again && body.succeeded() && namesSession(body.result())) {
                    resend(requestId, json, sent);
                } else {
                    failRequest(requestId, UpstreamCallException.ofHttpStatus(status, "HTTP " + status
                            + (body.succeeded() ? ": " + BoundedBody.excerpt(body.result(), EXCERPT_CHARS) : ""),
                            null));
                }
            });
            return;
        }
        String type = String.valueOf(response.getHeader(HttpHeaders.CONTENT_TYPE));
        BoundedBody bounded = new BoundedBody(spec.maxResponseBytes());
        if (spec.transport() == HttpTargetSpec.Transport.SSE) {
            discard(response);
        } else if (type.startsWith("text/event-stream")) {
            SseParser parser = new SseParser(spec.maxResponseBytes(), (event, data) -> connection.onMessage(data));
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
                    connection.onMessage(whole.toString(StandardCharsets.UTF_8));
                }
            });
        }
    }

    /** Reads no more of an unused body than an excerpt's worth; a longer one costs the connection. */
    /**
     * A request refused as of a session the server does not know goes again on a new one: after the renewal it
     * raced with, or after one it starts.
     */
    private void resend(long requestId, String json, Sent sent) {
        Future<Void> renewed = sent.sessionId() != null ? renew(sent.sessionId()) : sent.renewing();
        renewed.onSuccess(v -> post(requestId, json, false)).onFailure(e -> failRequest(requestId, e));
    }

    /**
     * Whether a response to a request sent under a session id says the server does not know the session: a 404, as
     * the transport specifies, or a 400 whose body names the session, as many servers answer (their SDK examples
     * among them: "Bad Request: No valid session ID provided"). Reads no more than the head of the body.
     */
    private Future<Boolean> forgot(HttpClientResponse response) {
        int status = response.statusCode();
        if (status != 400) {
            discard(response);
            return Future.succeededFuture(status == 404);
        }
        return BoundedBody.head(response, headBytes()).map(HttpMcpSession::namesSession);
    }

    private static boolean namesSession(Buffer head) {
        return head.toString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("session");
    }

    private void discard(HttpClientResponse response) {
        BoundedBody.head(response, headBytes());
    }

    private int headBytes() {
        return Math.min(EXCERPT_BYTES, spec.maxResponseBytes());
    }

    private void failRequest(long requestId, Throwable cause) {
        if (requestId != McpWire.NO_REQUEST && connection != null) {
            connection.fail(requestId, cause);
        } else {
            LOG.debug("message to server failed [target: {}]: {}", config.name(), cause.getMessage());
        }
    }
}
