package dev.xiaozhi.relay.front.websocket;

import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.config.ServerConfig;
import dev.xiaozhi.relay.front.ClientAddress;
import dev.xiaozhi.relay.front.DeviceGate;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.front.TrustedProxies;
import dev.xiaozhi.relay.front.http.HttpSessions;
import dev.xiaozhi.relay.front.http.LegacySseFront;
import dev.xiaozhi.relay.front.http.StreamableHttpFront;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.registry.ProviderTokens;
import dev.xiaozhi.relay.upstream.provider.ProviderSlots;
import dev.xiaozhi.relay.upstream.provider.ProviderToolClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device port: the inbound WebSocket front at {@value #PATH}, which authenticates devices before the upgrade
 * (401; 429 for a token or address that failed too often or a tenant at its session limit) and hands each accepted
 * socket, as a session transport, to the {@link SessionHost} of its event loop; on the same path, every request that
 * is not an upgrade goes to the Streamable HTTP front ({@link StreamableHttpFront}), and {@code /sse} and
 * {@code /messages} to the legacy HTTP+SSE one ({@link LegacySseFront}), whose sessions this verticle's host holds
 * too. Tool providers dial in at {@value #PROVIDER_PATH} with provider tokens and are handed to their targets.
 * Clients are known by their address, or behind {@link TrustedProxies} by the one those vouch for. One instance per
 * event loop shares the device port; health routes are served on the same port.
 */
public final class WebSocketFrontVerticle extends VerticleBase {

    /** The MCP endpoint path. */
    public static final String PATH = "/mcp";
    /** Where tool providers dial in. */
    public static final String PROVIDER_PATH = "/tools";

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrontVerticle.class);

    private final ServerConfig config;
    private final DeviceGate gate;
    private final HttpSessions httpSessions;
    private final ProviderTokens providerTokens;
    private final ProviderSlots providers;
    private final Readiness readiness;
    private final RelayMetrics metrics;
    private final SessionHost host;
    private final TrustedProxies proxies;
    private HttpServer server;

    /**
     * Creates the verticle; every collaborator is required.
     *
     * @param gate         lets devices in, for the WebSocket and the HTTP front alike
     * @param httpSessions the node's Streamable HTTP sessions, across its front verticles
     */
    public WebSocketFrontVerticle(ServerConfig config, FrontContext front, DeviceDirectory devices, DeviceGate gate,
            HttpSessions httpSessions, ProviderTokens providerTokens, ProviderSlots providers, Readiness readiness,
            RelayMetrics metrics) {
        this.config = Objects.requireNonNull(config);
        this.gate = Objects.requireNonNull(gate);
        this.httpSessions = Objects.requireNonNull(httpSessions);
        this.providerTokens = Objects.requireNonNull(providerTokens);
        this.providers = Objects.requireNonNull(providers);
        this.readiness = Objects.requireNonNull(readiness);
        this.metrics = Objects.requireNonNull(metrics);
        this.host = new SessionHost(front, devices, metrics, config.pingInterval());
        this.proxies = new TrustedProxies(config.trustedProxies());
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        PendingHandshakes pending = new PendingHandshakes(vertx, config.handshakeTimeout().toMillis(),
                config.maxPendingHandshakes(), proxies::trusts);
        router.route().handler(ctx -> {
            pending.arrived(ctx.request().remoteAddress());
            ctx.next();
        });
        readiness.mount(router);
        StreamableHttpFront http = new StreamableHttpFront(vertx, config, host, gate, httpSessions, readiness,
                metrics);
        router.route(PATH).handler(http);
        LegacySseFront legacy = new LegacySseFront(vertx, http, config, host, gate, httpSessions, readiness, metrics);
        router.route(LegacySseFront.STREAM_PATH).handler(legacy);
        router.route(LegacySseFront.MESSAGES_PATH).handler(legacy);
        return host.start(vertx).compose(v -> vertx.createHttpServer(serverOptions())
                .connectionHandler(connection -> {
                    if (!config.proxyProtocol() || vouchedFor(connection)) {
                        pending.opened(connection);
                    }
                })
                .requestHandler(router)
                .webSocketHandshakeHandler(handshake -> {
                    pending.arrived(handshake.remoteAddress());
                    onHandshake(handshake);
                })
                .listen(config.port(), config.host())
                .onSuccess(s -> server = s));
    }

    @Override
    public Future<?> stop() {
        return host.stop().eventually(() -> host.drain(config.shutdownGrace()))
                .eventually(() -> server == null ? Future.succeededFuture() : server.close());
    }

    /** Port the server is bound to. */
    public int actualPort() {
        return server.actualPort();
    }

    private HttpServerOptions serverOptions() {
        HttpServerOptions options = new HttpServerOptions()
                .setTcpNoDelay(true)
                // no outbound queue per HTTP connection (4.7 KiB a session, kept through the upgrade); every
                // response here must be written on its request's event loop (ResponseChannel hops there first)
                .setStrictThreadMode(true)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(config.maxMessageBytes())
                .setMaxWebSocketMessageSize(config.maxMessageBytes())
                .setRegisterWebSocketWriteHandlers(false)
                .setWebSocketClosingTimeout(5)
                .setHttp2ClearTextEnabled(false)
                .setUseProxyProtocol(config.proxyProtocol())
                .setProxyProtocolTimeout(config.handshakeTimeout().toMillis())
                .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS);
        config.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString())));
        return options;
    }

    private void onHandshake(ServerWebSocketHandshake handshake) {
        if (!PATH.equals(handshake.path()) && !PROVIDER_PATH.equals(handshake.path())) {
            refuse(handshake, 404, "not_found");
            return;
        }
        if (readiness.draining()) {
            refuse(handshake, 503, "draining");
            return;
        }
        if (PROVIDER_PATH.equals(handshake.path())) {
            onProviderHandshake(handshake);
            return;
        }
        ClientAddress client = proxies.clientOf(handshake.remoteAddress(), handshake.headers());
        gate.admit(client.host(), client.remote(), token(handshake)).onSuccess(verdict -> {
            if (verdict.refusal() != null) {
                refuse(handshake, verdict.refusal().status(), verdict.refusal().outcome());
                return;
            }
            DeviceIdentity identity = verdict.identity();
            LiveSession place = host.admit(identity, FrontKind.WEBSOCKET, client.remote(), verdict.credential());
            if (place == null) {
                LOG.info("handshake refused [tenant: {}, device: {}, reason: session limit of {}]", identity.tenant(),
                        identity.device(), identity.limits().maxSessions());
                refuse(handshake, 429, "session_limit");
                return;
            }
            handshake.accept().onComplete(accepted -> {
                if (accepted.succeeded()) {
                    bind(accepted.result(), identity, place);
                } else {
                    host.release(place);
                }
            });
        });
    }

    private void onProviderHandshake(ServerWebSocketHandshake handshake) {
        ClientAddress client = proxies.clientOf(handshake.remoteAddress(), handshake.headers());
        gate.room(client.host(), token(handshake)).onSuccess(attempt -> {
            if (attempt == null) {
                refuse(handshake, 429, "throttled");
            } else {
                authenticateProvider(handshake, client, attempt);
            }
        });
    }

    private void authenticateProvider(ServerWebSocketHandshake handshake, ClientAddress client,
            AuthThrottle.Attempt attempt) {
        providerTokens.authenticate(token(handshake)).onComplete(found -> {
            if (found.failed()) {
                attempt.end();
                refuse(handshake, 503, "registry_unavailable");
                return;
            }
            ProviderToolClient provider = found.result().flatMap(providers::find).orElse(null);
            if (provider == null) {
                LOG.info("provider handshake refused [remote: {}]", client.remote());
                refuse(handshake, attempt.failed() ? 429 : 401, "provider_unauthorized");
                return;
            }
            attempt.end();
            metrics.handshake("provider_accepted");
            handshake.accept().onSuccess(socket -> {
                socket.setWriteQueueMaxSize(config.writeQueueMaxBytes());
                providers.attach(provider, socket);
            });
        });
    }

    /**
     * Whether a new connection may stay: with the PROXY protocol on, a header naming another address than the peer's
     * is honoured from a trusted proxy only; anyone else's connection is closed, since nothing after the header could
     * tell its forged address from a real one.
     */
    private boolean vouchedFor(HttpConnection connection) {
        SocketAddress peer = connection.remoteAddress(true);
        SocketAddress claimed = connection.remoteAddress();
        boolean forwarded = !peer.hostAddress().equals(claimed.hostAddress()) || peer.port() != claimed.port();
        if (forwarded && !proxies.trusts(peer.hostAddress())) {
            LOG.info("connection closed: proxy protocol header from an untrusted peer [peer: {}]", peer);
            connection.close();
            return false;
        }
        return true;
    }

    private void refuse(ServerWebSocketHandshake handshake, int status, String outcome) {
        metrics.handshake(outcome);
        handshake.reject(status);
    }

    private void bind(ServerWebSocket socket, DeviceIdentity identity, LiveSession place) {
        metrics.handshake("accepted");
        socket.setWriteQueueMaxSize(config.writeQueueMaxBytes());
        new WebSocketSession(vertx, socket, identity, host, place, config.idleTimeout());
    }

    private static String token(ServerWebSocketHandshake handshake) {
        return DeviceGate.token(handshake.headers(), handshake.query());
    }
}
