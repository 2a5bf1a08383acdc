package dev.xiaozhi.relay.front.pipe;

import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.config.PipesConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.ProgressRouter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.ProxyOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Owns the node's outbound pipes: one WebSocket per device endpoint on a shared client (no thread per pipe), new
 * connections spaced by {@code connectRate}, one timer for all pings. Honours {@code HTTPS_PROXY}.
 */
public final class PipeVerticle extends VerticleBase {

    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /** How long a closing handshake may take before the connection is dropped. */
    private static final int CLOSING_TIMEOUT_SECONDS = 2;

    private final List<PipeEndpoint> endpoints;
    private final PipesConfig config;
    private final FrontContext front;
    private final List<OutboundPipe> pipes = new CopyOnWriteArrayList<>();
    private WebSocketClient client;
    private long keepAliveTimer;

    /** Creates the verticle; every collaborator is required. */
    public PipeVerticle(List<PipeEndpoint> endpoints, PipesConfig config, FrontContext front) {
        this.endpoints = List.copyOf(endpoints);
        this.config = Objects.requireNonNull(config);
        this.front = Objects.requireNonNull(front);
    }

    @Override
    public Future<?> start() {
        WebSocketClientOptions options = new WebSocketClientOptions()
                .setMaxConnections(Math.max(1, endpoints.size() * 2))
                .setTcpNoDelay(true)
                .setClosingTimeout(CLOSING_TIMEOUT_SECONDS)
                .setMaxFrameSize(MAX_MESSAGE_BYTES).setMaxMessageSize(MAX_MESSAGE_BYTES);
        proxy(System.getenv("HTTPS_PROXY")).ifPresent(options::setProxyOptions);
        client = vertx.createWebSocketClient(options);
        ConnectLimiter limiter = new ConnectLimiter(vertx, config.connectRate());
        ProgressRouter progress = front.newProgressRouter();
        return progress.start(vertx).onSuccess(v -> {
            for (PipeEndpoint endpoint : endpoints) {
                OutboundPipe pipe = new OutboundPipe(vertx, endpoint, config, front, progress, client, limiter);
                pipes.add(pipe);
                pipe.start();
            }
            long ping = config.pingInterval().toMillis();
            keepAliveTimer = vertx.setPeriodic(ping, ping, id -> {
                long now = System.nanoTime();
                pipes.forEach(pipe -> pipe.keepAlive(now));
            });
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(keepAliveTimer);
        pipes.forEach(OutboundPipe::stop);
        return client.close();
    }

    /** The status of every pipe, readable from any thread. */
    public List<PipeStatus> statuses() {
        List<PipeStatus> statuses = new ArrayList<>(pipes.size());
        pipes.forEach(pipe -> statuses.add(pipe.status()));
        return statuses;
    }

    private static Optional<ProxyOptions> proxy(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI proxy = URI.create(url.contains("://") ? url : "http://" + url);
        return Optional.of(new ProxyOptions().setHost(proxy.getHost())
                .setPort(proxy.getPort() < 0 ? 80 : proxy.getPort()));
    }
}
