package dev.xiaozhi.relay.front.pipe;

import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.config.PipesConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.ops.PipeStatus;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.ops.history.NodeHistory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.ProxyOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owns the node's outbound pipes: one WebSocket per device endpoint on a shared client (no thread per pipe), new
 * connections spaced by {@code connectRate}, their sessions in one {@link SessionHost} (catalog changes, registry
 * changes, one timer for all pings, accounting, drain). Endpoints can be replaced at runtime. Honours
 * {@code HTTPS_PROXY}.
 */
public final class PipeVerticle extends VerticleBase {

    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /** How long a closing handshake may take before the connection is dropped. */
    private static final int CLOSING_TIMEOUT_SECONDS = 2;
    /** Connections per host the shared client allows; every pipe of a fleet goes to the same cloud host. */
    private static final int MAX_CONNECTIONS = 1_000_000;

    private final List<PipeEndpoint> initial;
    private final PipesConfig config;
    private final SessionHost host;
    private final Duration drainGrace;
    private final NodeHistory history;
    private final Map<String, OutboundPipe> pipes = new ConcurrentHashMap<>();
    private WebSocketClient client;
    private ConnectLimiter limiter;

    /**
     * Creates the verticle; every collaborator is required.
     *
     * @param devices    looks up a device's policy and limits when the registry changed them
     * @param drainGrace how long a stopping node lets the pipes' calls in flight finish
     */
    public PipeVerticle(List<PipeEndpoint> endpoints, PipesConfig config, FrontContext front,
            DeviceDirectory devices, RelayMetrics metrics, Duration drainGrace) {
        this.initial = List.copyOf(endpoints);
        this.config = Objects.requireNonNull(config);
        this.host = new SessionHost(front, devices, metrics, config.pingInterval());
        this.history = metrics.history();
        this.drainGrace = Objects.requireNonNull(drainGrace);
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
        return host.start(vertx).onSuccess(v -> initial.forEach(this::open));
    }

    @Override
    public Future<?> stop() {
        return host.stop().eventually(() -> host.drain(drainGrace)).eventually(() -> {
            List.copyOf(pipes.values())
                    .forEach(pipe -> pipe.stop(SessionHost.CLOSE_GOING_AWAY, "relay shutting down"));
            return client.close();
        });
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
                    entry.getValue().stop(SessionHost.CLOSE_GOING_AWAY, "device no longer served here");
                    pipes.remove(entry.getKey());
                } else if (!entry.getValue().dials(replacement.endpoint())) {
                    entry.getValue().replaceEndpoint(replacement);
                } else {
                    entry.getValue().refresh(replacement);
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
        String key = key(endpoint);
        OutboundPipe pipe = new OutboundPipe(vertx, endpoint, config, host, client, limiter,
                stopped -> pipes.remove(key, stopped), history);
        pipes.put(key, pipe);
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
