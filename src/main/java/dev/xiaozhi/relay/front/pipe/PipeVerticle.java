package dev.xiaozhi.relay.front.pipe;

import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.config.PipesConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.ProgressRouter;
import dev.xiaozhi.relay.ops.PipeStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.ProxyOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owns the node's outbound pipes: one WebSocket per device endpoint on a shared client (no thread per pipe), new
 * connections spaced by {@code connectRate}, one timer for all pings. Endpoints can be replaced at runtime.
 * Honours {@code HTTPS_PROXY}.
 */
public final class PipeVerticle extends VerticleBase {

    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /** How long a closing handshake may take before the connection is dropped. */
    private static final int CLOSING_TIMEOUT_SECONDS = 2;
    /** Connections per host the shared client allows; every pipe of a fleet goes to the same cloud host. */
    private static final int MAX_CONNECTIONS = 1_000_000;

    private final List<PipeEndpoint> initial;
    private final PipesConfig config;
    private final FrontContext front;
    private final Map<String, OutboundPipe> pipes = new ConcurrentHashMap<>();
    private WebSocketClient client;
    private ConnectLimiter limiter;
    private ProgressRouter progress;
    private long keepAliveTimer;

    /** Creates the verticle; every collaborator is required. */
    public PipeVerticle(List<PipeEndpoint> endpoints, PipesConfig config, FrontContext front) {
        this.initial = List.copyOf(endpoints);
        this.config = Objects.requireNonNull(config);
        this.front = Objects.requireNonNull(front);
    }

    @Override
    public Future<?> start() {
        WebSocketClientOptions options = new WebSocketClientOptions()
                .setMaxConnections(MAX_CONNECTIONS)
                .setTcpNoDelay(true)
                .setClosingTimeout(CLOSING_TIMEOUT_SECONDS)
                .setMaxFrameSize(MAX_MESSAGE_BYTES).setMaxMessageSize(MAX_MESSAGE_BYTES);
        proxy(System.getenv("HTTPS_PROXY")).ifPresent(options::setProxyOptions);
        client = vertx.createWebSocketClient(options);
        limiter = new ConnectLimiter(vertx, config.connectRate());
        progress = front.newProgressRouter();
        return progress.start(vertx).onSuccess(v -> {
            initial.forEach(this::open);
            long ping = config.pingInterval().toMillis();
            keepAliveTimer = vertx.setPeriodic(ping, ping, id -> {
                long now = System.nanoTime();
                pipes.values().forEach(pipe -> pipe.keepAlive(now));
            });
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(keepAliveTimer);
        pipes.values().forEach(OutboundPipe::stop);
        return client.close();
    }

    /**
     * Brings the pipes in line with a new list of endpoints, from any thread: a changed URL is dialled at once, new
     * devices get a pipe, removed ones are closed. Completes once every new pipe's first attempt has connected or
     * failed.
     */
    public Future<Void> update(List<PipeEndpoint> next) {
        Promise<Void> applied = Promise.promise();
        context.runOnContext(v -> {
            Map<String, PipeEndpoint> wanted = new HashMap<>();
            next.forEach(endpoint -> wanted.put(key(endpoint), endpoint));
            for (Map.Entry<String, OutboundPipe> entry : List.copyOf(pipes.entrySet())) {
                PipeEndpoint replacement = wanted.remove(entry.getKey());
                if (replacement == null) {
                    entry.getValue().stop();
                    pipes.remove(entry.getKey());
                } else if (!entry.getValue().dials(replacement.endpoint())) {
                    entry.getValue().replaceEndpoint(replacement);
                }
            }
            Future.join(wanted.values().stream().map(this::open).toList()).<Void>mapEmpty().onComplete(applied);
        });
        return applied.future();
    }

    /** The status of every pipe, readable from any thread. */
    public List<PipeStatus> statuses() {
        List<PipeStatus> statuses = new ArrayList<>(pipes.size());
        pipes.values().forEach(pipe -> statuses.add(pipe.status()));
        return statuses;
    }

    private Future<Void> open(PipeEndpoint endpoint) {
        OutboundPipe pipe = new OutboundPipe(vertx, endpoint, config, front, progress, client, limiter);
        pipes.put(key(endpoint), pipe);
        return pipe.start();
    }

    private static String key(PipeEndpoint endpoint) {
        return endpoint.identity().tenant() + "/" + endpoint.identity().device();
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
