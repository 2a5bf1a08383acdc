package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.config.ServerConfig;
import dev.xiaozhi.relay.front.ClientAddress;
import dev.xiaozhi.relay.front.DeviceGate;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy HTTP+SSE front (MCP 2024-11-05), for clients that predate Streamable HTTP (the self-hosted Xiaozhi
 * server, older desktop clients): {@code GET /sse} opens a session's event stream and announces, in its first
 * {@code endpoint} event, where the client posts its messages: {@code /messages?sessionId=…}. A posted message is
 * accepted with 202; its reply, a call's progress and the session's notifications come on the stream. Devices
 * authenticate on every request through the {@link DeviceGate}, as on the other fronts (401 with
 * {@code WWW-Authenticate: Bearer} before any work, 429); a session id is bound to the device that opened it (another
 * device gets 404); origins are checked and bodies bounded as on the Streamable HTTP front, whose request handling it
 * shares. One instance per front verticle, next to that verticle's {@link StreamableHttpFront}.
 */
public final class LegacySseFront implements Handler<RoutingContext> {

    /** Where a client opens its stream. */
    public static final String STREAM_PATH = "/sse";
    /** Where a client posts its messages. */
    public static final String MESSAGES_PATH = "/messages";

    private static final Logger LOG = LoggerFactory.getLogger(LegacySseFront.class);
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final String STREAM_METHODS = "GET, OPTIONS";
    private static final String MESSAGES_METHODS = "POST, OPTIONS";

    private final StreamableHttpFront http;
    private final ServerConfig config;
    private final SessionHost host;
    private final DeviceGate gate;
    private final SseSessions sessions;
    private final Readiness readiness;
    private final RelayMetrics metrics;
    private final ResultTruncator resultCap;
    private final Context context;

    /**
     * Creates the front of one verticle, on that verticle's context; every collaborator is required.
     *
     * @param http     the same verticle's Streamable HTTP front, whose origin checks, refusals and body limits apply
     * @param sessions the node's HTTP sessions, which hold its legacy ones too
     */
    public LegacySseFront(Vertx vertx, StreamableHttpFront http, ServerConfig config, SessionHost host,
            DeviceGate gate, HttpSessions sessions, Readiness readiness, RelayMetrics metrics) {
        this.http = Objects.requireNonNull(http);
        this.config = Objects.requireNonNull(config);
        this.host = Objects.requireNonNull(host);
        this.gate = Objects.requireNonNull(gate);
        this.sessions = Objects.requireNonNull(sessions).legacy();
        this.readiness = Objects.requireNonNull(readiness);
        this.metrics = Objects.requireNonNull(metrics);
        this.resultCap = new ResultTruncator(config.http().maxResultBytes());
        this.context = vertx.getOrCreateContext();
    }

    @Override
    public void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        request.pause();
        if (!http.screen(request)) {
            return;
        }
        boolean stream = request.path().startsWith(STREAM_PATH);
        String methods = stream ? STREAM_METHODS : MESSAGES_METHODS;
        HttpMethod method = request.method();
        if (HttpMethod.OPTIONS.equals(method)) {
            StreamableHttpFront.preflight(request.response(), methods);
            return;
        }
        if (!(stream ? HttpMethod.GET : HttpMethod.POST).equals(method)) {
            request.response().putHeader(HttpHeaders.ALLOW, methods);
            StreamableHttpFront.reply(request, 405, HttpReplies.error("Method not allowed"));
            return;
        }
        ClientAddress client = http.client(request);
        String remote = client.remote();
        String token = DeviceGate.token(request.headers(), request.query());
        gate.admit(client.host(), remote, token).onSuccess(verdict -> {
            if (verdict.refusal() != null) {
                http.refuse(request, verdict.refusal());
            } else if (stream) {
                open(request, verdict, remote, token);
            } else {
                onMessage(request, verdict.identity());
            }
        });
    }

    private void open(HttpServerRequest request, DeviceGate.Verdict verdict, String remote, String token) {
        DeviceIdentity identity = verdict.identity();
        request.resume();
        if (request.getHeader(HttpHeaders.ACCEPT) != null && !StreamableHttpFront.accepts(request, EVENT_STREAM)) {
            StreamableHttpFront.reply(request, 406, HttpReplies.error("Not Acceptable: Accept must list "
                    + "text/event-stream"));
            return;
        }
        if (readiness.draining()) {
            metrics.handshake("draining");
            StreamableHttpFront.reply(request, 503, HttpReplies.error("The relay is shutting down; please retry"));
            return;
        }
        LiveSession place = host.admit(identity, FrontKind.SSE, remote, verdict.credential());
        if (place == null) {
            LOG.info("sse session refused [tenant: {}, device: {}, reason: session limit of {}]", identity.tenant(),
                    identity.device(), identity.limits().maxSessions());
            metrics.handshake("session_limit");
            StreamableHttpFront.reply(request, 429, HttpReplies.error("Too many sessions for this tenant"));
            return;
        }
        ResponseChannel stream = new ResponseChannel(context,
                new ServerResponseSink(request.response(), config.writeQueueMaxBytes()),
                () -> LOG.warn("slow reader dropped [tenant: {}, device: {}, front: sse]", identity.tenant(),
                        identity.device()));
        SseSession session = new SseSession(sessions.newId(), identity, remote, context, sessions, host, stream);
        McpSession opened = host.open(place, identity, session, resultCap);
        sessions.add(session);
        metrics.handshake("sse_accepted");
        session.start(opened, endpoint(session.id(), request, token));
    }

    private void onMessage(HttpServerRequest request, DeviceIdentity identity) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || !StreamableHttpFront.mediaType(contentType).equals(JSON)) {
            StreamableHttpFront.reply(request, 415, HttpReplies.error(
                    "Unsupported Media Type: Content-Type must be application/json"));
            return;
        }
        String id = sessionId(request);
        if (id != null && !http.ownsSession(id)) {
            http.forward(request, identity, id, true);
            return;
        }
        SseSession session = sessions.find(id);
        if (session == null || !session.device().equals(HttpSessions.deviceKey(identity))) {
            StreamableHttpFront.reply(request, 404, HttpReplies.LEGACY_SESSION_NOT_FOUND);
            return;
        }
        http.readBody(request, body -> {
            if (session.receive(body.toString())) {
                request.response().setStatusCode(202).end();
            } else {
                StreamableHttpFront.reply(request, 400, HttpReplies.PARSE_ERROR);
            }
        });
    }

    /**
     * Where the client posts: relative to the stream's URL, with the session id; and with the token when the client
     * presented it in the URL (it may be able to set nothing else, and posts to the URL it is given).
     */
    private static String endpoint(String id, HttpServerRequest request, String token) {
        String endpoint = MESSAGES_PATH + "?sessionId=" + id;
        boolean tokenInUrl = DeviceGate.token(request.headers(), null) == null;
        return tokenInUrl ? endpoint + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) : endpoint;
    }

    private static String sessionId(HttpServerRequest request) {
        List<String> values = request.query() == null ? null
                : new QueryStringDecoder(request.query(), false).parameters().get("sessionId");
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
