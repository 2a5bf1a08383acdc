package dev.xiaozhi.relay.front.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ServerConfig;
import dev.xiaozhi.relay.front.ClientAddress;
import dev.xiaozhi.relay.front.DeviceGate;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.front.TrustedProxies;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.McpVersions;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streamable HTTP front (MCP 2025-03-26, 2025-06-18, 2025-11-25) at {@code /mcp}, for every request there that
 * is not a WebSocket upgrade: {@code POST} carries one message (a batch under 2025-03-26), answered as
 * {@code application/json}, or as {@code text/event-stream} when progress comes before the result, or 202 for
 * notifications and responses; {@code GET} opens the session's notification stream; {@code DELETE} ends the session.
 * Devices authenticate on every request as on the WebSocket front ({@link DeviceGate}: 401 with
 * {@code WWW-Authenticate: Bearer}, 429); {@code Mcp-Session-Id} is bound to the device that created it (another
 * device gets 404). One instance per front verticle, sharing that verticle's {@link SessionHost}; the sessions of
 * all of a node's verticles are found through one {@link HttpSessions}. In a cluster any node answers any session:
 * a request whose session another node owns is authenticated here and forwarded to that node
 * ({@link SessionForwarder}), streams included; one whose owner left the cluster answers 404. While the node drains
 * its sessions go on (each ends at a moment of its own within the grace, see {@link SessionHost#drain}), new ones
 * are refused with 503, and every response closes its connection, so that the client's next request reaches a node
 * that stays.
 */
public final class StreamableHttpFront implements Handler<RoutingContext> {

    /** The session header. */
    public static final String SESSION_ID = "Mcp-Session-Id";
    /** The protocol-version header. */
    public static final String PROTOCOL_VERSION = "MCP-Protocol-Version";

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpFront.class);
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Mcp-Session-Id, "
            + "MCP-Protocol-Version, Last-Event-ID";
    private static final String EXPOSED_HEADERS = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate";

    private final ServerConfig config;
    private final SessionHost host;
    private final DeviceGate gate;
    private final HttpSessions sessions;
    private final Readiness readiness;
    private final RelayMetrics metrics;
    private final OriginPolicy origins;
    private final ResultTruncator resultCap;
    private final TrustedProxies proxies;
    private final SessionForwarder forwarder;
    private final Context context;

    /** Creates the front of one verticle, on that verticle's context; every collaborator is required. */
    public StreamableHttpFront(Vertx vertx, ServerConfig config, SessionHost host, DeviceGate gate,
            HttpSessions sessions, Readiness readiness, RelayMetrics metrics) {
        this.config = Objects.requireNonNull(config);
        this.host = Objects.requireNonNull(host);
        this.gate = Objects.requireNonNull(gate);
        this.sessions = Objects.requireNonNull(sessions);
        this.readiness = Objects.requireNonNull(readiness);
        this.metrics = Objects.requireNonNull(metrics);
        this.origins = new OriginPolicy(config.http().allowedOrigins(), config.host());
        this.resultCap = new ResultTruncator(config.http().maxResultBytes());
        this.proxies = new TrustedProxies(config.trustedProxies());
        this.forwarder = new SessionForwarder(vertx, sessions, config.writeQueueMaxBytes(),
                forwardHopTimeout(config));
        this.context = vertx.getOrCreateContext();
    }

    /**
     * How long a node waits for the next part of a response forwarded to a session's owner: the owner sends one at
     * least on every tick of its keep-alive clock ({@code server.pingInterval}), so a margin over that.
     */
    public static Duration forwardHopTimeout(ServerConfig config) {
        return config.pingInterval().plusSeconds(10);
    }

    @Override
    public void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        HttpServerResponse response = routing.response();
        request.pause();
        if (!screen(request)) {
            return;
        }
        if (readiness.draining() && request.version() != HttpVersion.HTTP_2) {
            // the client's next request opens a new connection, which the load balancer gives a node that stays
            response.putHeader(HttpHeaders.CONNECTION, "close");
            response.bodyEndHandler(v -> request.connection().close());
        }
        HttpMethod method = request.method();
        if (HttpMethod.OPTIONS.equals(method)) {
            preflight(response, ALLOWED_METHODS);
            return;
        }
        if (!HttpMethod.POST.equals(method) && !HttpMethod.GET.equals(method) && !HttpMethod.DELETE.equals(method)) {
            response.putHeader(HttpHeaders.ALLOW, ALLOWED_METHODS);
            reply(request, 405, HttpReplies.error("Method not allowed"));
            return;
        }
        String version = request.getHeader(PROTOCOL_VERSION);
        if (version != null && !McpVersions.SUPPORTED.contains(version.trim())) {
            reply(request, 400, HttpReplies.error("Bad Request: unsupported MCP-Protocol-Version; supported: "
                    + String.join(", ", McpVersions.SUPPORTED)));
            return;
        }
        ClientAddress client = client(request);
        String remote = client.remote();
        gate.admit(client.host(), remote, DeviceGate.token(request.headers(),
                request.query())).onSuccess(verdict -> {
                    if (verdict.refusal() != null) {
                        refuse(request, verdict.refusal());
                    } else if (HttpMethod.POST.equals(method)) {
                        onPost(request, verdict, remote);
                    } else {
                        onSessionRequest(request, verdict.identity());
                    }
                });
    }

    /**
     * Guards against DNS rebinding ({@link OriginPolicy}): answers 403 and returns false for an origin or host that
     * may not use the front; otherwise sets the CORS headers a browser's origin needs.
     */
    boolean screen(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (!origins.allowsOrigin(origin) || !origins.allowsHost(request.authority() == null ? null
                : request.authority().host())) {
            LOG.info("http request refused: origin or host not allowed [remote: {}]", request.remoteAddress());
            reply(request, 403, HttpReplies.error("Forbidden: origin not allowed"));
            return false;
        }
        if (origin != null) {
            request.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
        return true;
    }

    /** Who sent a request: its peer, or behind trusted proxies the client they name. */
    ClientAddress client(HttpServerRequest request) {
        return proxies.clientOf(request.remoteAddress(), request.headers());
    }

    /** Answers a CORS preflight for a path that takes {@code methods}. */
    static void preflight(HttpServerResponse response, String methods) {
        response.setStatusCode(204)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "86400")
                .end();
    }

    private void onPost(HttpServerRequest request, DeviceGate.Verdict verdict, String remote) {
        DeviceIdentity identity = verdict.identity();
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || !mediaType(contentType).equals(JSON)) {
            reply(request, 415, HttpReplies.error("Unsupported Media Type: Content-Type must be application/json"));
            return;
        }
        if (!accepts(request, JSON) || !accepts(request, EVENT_STREAM)) {
            reply(request, 406, HttpReplies.error(
                    "Not Acceptable: Accept must list both application/json and text/event-stream"));
            return;
        }
        String id = request.getHeader(SESSION_ID);
        if (id != null && !sessions.isLocal(id)) {
            forward(request, identity, id, true);
            return;
        }
        HttpSession session = id == null ? null : ownSession(request, identity);
        if (id != null && session == null) {
            return;
        }
        readBody(request, body -> {
            if (session != null) {
                ResponseChannel channel = channel(request, identity);
                if (prefersStream(request)) {
                    channel.preferringStream();
                }
                session.serve(HttpMethod.POST, body.toString(), channel);
                return;
            }
            JsonNode message;
            try {
                message = Json.parse(body.toString());
            } catch (JsonProcessingException e) {
                reply(request, 400, HttpReplies.PARSE_ERROR);
                return;
            }
            if (isInitialize(message)) {
                initialize(request, verdict, remote, message);
            } else {
                reply(request, 400, HttpReplies.error("Bad Request: no Mcp-Session-Id; a session starts with "
                        + "initialize"));
            }
        });
    }

    private void initialize(HttpServerRequest request, DeviceGate.Verdict verdict, String remote, JsonNode message) {
        DeviceIdentity identity = verdict.identity();
        if (readiness.draining()) {
            metrics.handshake("draining");
            reply(request, 503, HttpReplies.error("The relay is shutting down; please retry"));
            return;
        }
        LiveSession place = host.admit(identity, FrontKind.HTTP, remote, verdict.credential());
        if (place == null) {
            LOG.info("http session refused [tenant: {}, device: {}, reason: session limit of {}]",
                    identity.tenant(), identity.device(), identity.limits().maxSessions());
            metrics.handshake("session_limit");
            reply(request, 429, HttpReplies.error("Too many sessions for this tenant"));
            return;
        }
        HttpSession session = new HttpSession(sessions.newId(), identity, remote, context, sessions, host,
                config.http().sessionIdle().toNanos(), config.http().maxStreamsPerSession());
        McpSession opened = host.open(place, identity, session, resultCap);
        session.bind(opened);
        ResponseChannel channel = channel(request, identity);
        request.response().putHeader(SESSION_ID, session.id());
        opened.answer(message, channel).onComplete(done -> {
            if (opened.protocolVersion() == null) {
                request.response().headers().remove(SESSION_ID);
                session.end((short) 1000, "initialize failed");
                channel.fail(400, done.result() == null ? HttpReplies.error("Bad Request: initialize failed")
                        : done.result());
                return;
            }
            metrics.handshake("http_accepted");
            for (HttpSession evicted : sessions.add(session)) {
                LOG.info("http session evicted: least recently used of its device [tenant: {}, device: {}]",
                        identity.tenant(), identity.device());
                evicted.run(() -> evicted.end((short) 1000, "evicted"));
            }
            channel.finish(done.result(), 202);
        });
    }

    private void onSessionRequest(HttpServerRequest request, DeviceIdentity identity) {
        request.resume();
        String id = request.getHeader(SESSION_ID);
        if (id == null) {
            reply(request, 400, HttpReplies.error("Bad Request: Mcp-Session-Id is required"));
            return;
        }
        boolean local = sessions.isLocal(id);
        HttpSession session = local ? ownSession(request, identity) : null;
        if (local && session == null) {
            return;
        }
        if (HttpMethod.GET.equals(request.method()) && !accepts(request, EVENT_STREAM)) {
            reply(request, 406, HttpReplies.error("Not Acceptable: Accept must list text/event-stream"));
        } else if (local) {
            session.serve(request.method(), null, channel(request, identity));
        } else {
            forward(request, identity, id, false);
        }
    }

    /** Whether an id names this node as its session's owner (legacy HTTP+SSE sessions' ids included). */
    boolean ownsSession(String id) {
        return sessions.isLocal(id);
    }

    /**
     * Forwards a request of a session another node owns to that node, a POST once its body is read within the
     * limit; answers 404 at once when that node is not in the cluster.
     */
    void forward(HttpServerRequest request, DeviceIdentity identity, String id, boolean withBody) {
        if (!sessions.ownerAlive(id)) {
            reply(request, 404, HttpReplies.SESSION_NOT_FOUND);
        } else if (withBody) {
            readBody(request, body -> forwarder.forward(request, id, HttpSessions.deviceKey(identity),
                    body.toString()));
        } else {
            forwarder.forward(request, id, HttpSessions.deviceKey(identity), null);
        }
    }

    /** The session named by the request's header, if it is this device's; answers 404 otherwise. */
    private HttpSession ownSession(HttpServerRequest request, DeviceIdentity identity) {
        HttpSession session = sessions.find(request.getHeader(SESSION_ID));
        if (session == null || !session.device().equals(HttpSessions.deviceKey(identity))) {
            reply(request, 404, HttpReplies.SESSION_NOT_FOUND);
            return null;
        }
        return session;
    }

    private ResponseChannel channel(HttpServerRequest request, DeviceIdentity identity) {
        return new ResponseChannel(context, new ServerResponseSink(request.response(), config.writeQueueMaxBytes()),
                () -> LOG.warn("slow reader dropped [tenant: {}, device: {}, front: http]", identity.tenant(),
                        identity.device()));
    }

    /** Reads the body up to {@code server.maxMessageBytes}; a larger one is answered with 413. */
    void readBody(HttpServerRequest request, Consumer<Buffer> done) {
        int max = config.maxMessageBytes();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !length.trim().matches("\\d{1,18}")) {
            reply(request, 400, HttpReplies.error("Bad Request: invalid Content-Length"));
            return;
        }
        if (length != null && Long.parseLong(length.trim()) > max) {
            tooLarge(request);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = new boolean[1];
        request.handler(chunk -> {
            if (!over[0] && body.length() + chunk.length() > max) {
                over[0] = true;
                tooLarge(request);
            } else if (!over[0]) {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            if (!over[0]) {
                done.accept(body);
            }
        });
        request.exceptionHandler(failure -> over[0] = true);
        request.resume();
    }

    private void tooLarge(HttpServerRequest request) {
        LOG.info("http request refused: body over {} bytes [remote: {}]", config.maxMessageBytes(),
                request.remoteAddress());
        HttpServerResponse response = request.response();
        if (request.version() != HttpVersion.HTTP_2) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(HttpReplies.error("Payload Too Large: the limit is " + config.maxMessageBytes() + " bytes"))
                .onComplete(done -> {
                    if (request.version() != HttpVersion.HTTP_2) {
                        request.connection().close();
                    }
                });
    }

    /** Answers a device the gate refused: 401 with {@code WWW-Authenticate: Bearer}, 429 or 503. */
    void refuse(HttpServerRequest request, DeviceGate.Refusal refusal) {
        metrics.handshake(refusal.outcome());
        if (refusal == DeviceGate.Refusal.UNAUTHORIZED) {
            request.response().putHeader("WWW-Authenticate", "Bearer");
            reply(request, 401, HttpReplies.error("Unauthorized: a valid device token is required"));
        } else if (refusal == DeviceGate.Refusal.THROTTLED) {
            reply(request, 429, HttpReplies.error("Too many failed attempts; try again later"));
        } else {
            reply(request, 503, HttpReplies.error("The registry is unavailable; please retry"));
        }
    }

    /** Answers at once, without reading the body. */
    static void reply(HttpServerRequest request, int status, String body) {
        request.resume();
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body);
    }

    private static boolean isInitialize(JsonNode message) {
        return message.isObject() && "initialize".equals(message.path("method").asText())
                && message.hasNonNull("id");
    }

    /** Whether the request's {@code Accept} lists a media type (or a range that covers it). */
    static boolean accepts(HttpServerRequest request, String type) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null) {
            return false;
        }
        String anySubtype = type.substring(0, type.indexOf('/')) + "/*";
        for (String range : accept.split(",")) {
            String media = mediaType(range);
            if (media.equals(type) || media.equals("*/*") || media.equals(anySubtype)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the client's {@code Accept} lists {@code text/event-stream} before {@code application/json}. */
    static boolean prefersStream(HttpServerRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        for (String range : accept == null ? new String[0] : accept.split(",")) {
            String media = mediaType(range);
            if (media.equals(EVENT_STREAM) || media.equals(JSON)) {
                return media.equals(EVENT_STREAM);
            }
        }
        return false;
    }

    /** The media type of a {@code Content-Type} or {@code Accept} entry, lowercase, without parameters. */
    static String mediaType(String header) {
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
