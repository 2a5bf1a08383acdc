package dev.xiaozhi.relay.upstream.stdio;

import dev.xiaozhi.relay.common.Backoff;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.upstream.mcp.McpClientConnection;
import dev.xiaozhi.relay.upstream.mcp.McpServerClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code stdio} target: one MCP server process per target per node, supervised. A crash fails every call in flight
 * at once and restarts the process with backoff; while it is down the last good tool list stays in the catalog.
 */
public final class StdioToolClient extends McpServerClient {

    /** How long a stopping server gets between TERM and KILL. */
    public static final long STOP_GRACE_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(StdioToolClient.class);
    private static final Duration RESTART_BASE = Duration.ofSeconds(1);
    private static final Duration RESTART_CAP = Duration.ofSeconds(60);

    private final StdioTargetSpec spec;
    private final Backoff backoff = new Backoff(RESTART_BASE, RESTART_CAP, RESTART_CAP);
    private Context context;
    private ChildProcess child;
    private boolean stopping;
    private long startedAt;
    private long restartTimer = -1;

    /** Creates the client of a stdio target. */
    public StdioToolClient(Vertx vertx, TargetConfig config, StdioTargetSpec spec) {
        super(vertx, config);
        this.spec = spec;
    }

    @Override
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        launch();
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        stopping = true;
        vertx.cancelTimer(restartTimer);
        lost(config.name() + " is stopping");
        return child == null ? Future.succeededFuture() : child.stop(STOP_GRACE_MS);
    }

    @Override
    protected String notReadyMessage() {
        return "is starting or restarting; try again shortly";
    }

    private void launch() {
        restartTimer = -1;
        ChildProcess[] started = new ChildProcess[1];
        McpClientConnection next = connect((id, json) -> started[0].send(json));
        ChildProcess.start(context, config.name(), spec, next::onMessage, this::onExit)
                .compose(process -> {
                    started[0] = process;
                    child = process;
                    startedAt = System.nanoTime();
                    return handshake();
                })
                .onFailure(e -> {
                    LOG.warn("server did not come up [target: {}]: {}", config.name(), e.getMessage());
                    if (started[0] != null) {
                        started[0].stop(STOP_GRACE_MS);
                    } else {
                        scheduleRestart();
                    }
                });
    }

    private void onExit(int code) {
        boolean wasReady = available();
        lost(config.name() + " stopped unexpectedly (exit code " + code + "); the call did not complete");
        if (!stopping) {
            LOG.warn("server process exited [target: {}, code: {}, was ready: {}]", config.name(), code, wasReady);
            scheduleRestart();
        }
    }

    private void scheduleRestart() {
        if (stopping || restartTimer >= 0) {
            return;
        }
        long upForMs = startedAt == 0 ? 0 : (System.nanoTime() - startedAt) / 1_000_000;
        long delay = backoff.nextDelayMs(upForMs);
        LOG.info("restarting server [target: {}, in ms: {}]", config.name(), delay);
        restartTimer = vertx.setTimer(delay, id -> launch());
    }
}
