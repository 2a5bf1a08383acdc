package dev.xiaozhi.relay.front.websocket;

import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.config.ServerConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.registry.ProviderTokens;
import dev.xiaozhi.relay.upstream.provider.ProviderSlots;
import dev.xiaozhi.relay.upstream.provider.ProviderToolClient;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound WebSocket front at {@value #PATH}: authenticates devices before the upgrade (401; 429 for an address
 * that failed too often or a tenant at its session limit) and hands each accepted socket, as a session transport, to
 * the {@link SessionHost} of its event loop. Tool providers dial in at
 * {@value #PROVIDER_PATH} with provider tokens and are handed to their targets. One instance per event loop shares
 * the device port; health routes are served on the same port.
 */
public final class WebSocketFrontVerticle extends VerticleBase {

    /** The MCP endpoint path. */
    public static final String PATH = "/mcp";
    /** Where tool providers dial in. */
    public static final String PROVIDER_PATH = "/tools";

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrontVerticle.class);
    private static final String BEARER = "Bearer ";

    private final ServerConfig config;
    private final DeviceDirectory devices;
    private final AuthThrottle throttle;
    private final ProviderTokens providerTokens;
    private final ProviderSlots providers;
    private final Readiness readiness;
    private final RelayMetrics metrics;
    private final SessionHost host;
    private HttpServer server;

    /** Creates the verticle; every collaborator is required. */
    public WebSocketFrontVerticle(ServerConfig config, FrontContext front, DeviceDirectory devices,
            AuthThrottle throttle, ProviderTokens providerTokens, ProviderSlots providers, Readiness readiness,
            RelayMetrics metrics) {
        this.config = Objects.requireNonNull(config);
        this.devices = Objects.requireNonNull(devices);
        this.throttle = Objects.requireNonNull(throttle);
        this.providerTokens = Objects.requireNonNull(providerTokens);
        this.providers = Objects.requireNonNull(providers);
        this.readiness = Objects.requireNonNull(readiness);
        this.metrics = Objects.requireNonNull(metrics);
        this.host = new SessionHost(front, devices, metrics, config.pingInterval());
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        PendingHandshakes pending = new PendingHandshakes(vertx, config.handshakeTimeout().toMillis(),
                config.maxPendingHandshakes());
        router.route().handler(ctx -> {
            pending.arrived(ctx.request().remoteAddress());
            ctx.next();
        });
        readiness.mount(router);
        return host.start(vertx).compose(v -> vertx.createHttpServer(serverOptions())
                .connectionHandler(pending::opened)
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
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(config.maxMessageBytes())
                .setMaxWebSocketMessageSize(config.maxMessageBytes())
                .setRegisterWebSocketWriteHandlers(false)
                .setWebSocketClosingTimeout(5)
                .setHttp2ClearTextEnabled(false);
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
        boolean provider = PROVIDER_PATH.equals(handshake.path());
        Context context = vertx.getOrCreateContext();
        throttle.begin(handshake.remoteAddress().hostAddress(), attempt -> context.runOnContext(v -> {
            if (attempt == null) {
                refuse(handshake, 429, "throttled");
            } else if (provider) {
                onProviderHandshake(handshake, attempt);
            } else {
                onDeviceHandshake(handshake, attempt);
            }
        }));
    }

    private void onDeviceHandshake(ServerWebSocketHandshake handshake, AuthThrottle.Attempt attempt) {
        String token = token(handshake);
        devices.authenticate(token).onComplete(found -> {
            if (found.failed()) {
                attempt.end();
                LOG.warn("handshake refused: registry unavailable [remote: {}]: {}", handshake.remoteAddress(),
                        found.cause().getMessage());
                refuse(handshake, 503, "registry_unavailable");
                return;
            }
            DeviceIdentity identity = found.result().orElse(null);
            if (identity == null) {
                boolean blocked = attempt.failed();
                LOG.info("handshake refused [remote: {}, reason: {}]", handshake.remoteAddress(),
                        token == null ? "missing token" : "unknown or revoked token");
                refuse(handshake, blocked ? 429 : 401, blocked ? "throttled" : "unauthorized");
                return;
            }
            attempt.end();
            LiveSession place = host.admit(identity, FrontKind.WEBSOCKET, handshake.remoteAddress().toString());
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

    private void onProviderHandshake(ServerWebSocketHandshake handshake, AuthThrottle.Attempt attempt) {
        providerTokens.authenticate(token(handshake)).onComplete(found -> {
            if (found.failed()) {
                attempt.end();
                refuse(handshake, 503, "registry_unavailable");
                return;
            }
            ProviderToolClient provider = found.result().flatMap(providers::find).orElse(null);
            if (provider == null) {
                LOG.info("provider handshake refused [remote: {}]", handshake.remoteAddress());
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
        String authorization = handshake.headers().get(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        if (handshake.query() == null) {
            return null;
        }
        List<String> values = new QueryStringDecoder(handshake.query(), false).parameters().get("token");
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
