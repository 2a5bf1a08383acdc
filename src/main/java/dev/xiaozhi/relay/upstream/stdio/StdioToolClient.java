package dev.xiaozhi.relay.upstream.stdio;

import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.ops.history.NodeHistory;
import dev.xiaozhi.relay.ops.history.StderrTail;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import dev.xiaozhi.relay.upstream.mcp.McpClientConnection;
import dev.xiaozhi.relay.upstream.mcp.McpServerClient;
import dev.xiaozhi.relay.upstream.mcp.McpWire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code stdio} target: one MCP server process per target per node, supervised. A crash fails every call in flight
 * at once and restarts the process with backoff, and so does a server that stops answering (no answer to a
 * {@code ping} after a call ran out of time); while it is down the last good tool list stays in the catalog. A call
 * finds the server's stdin full (it stopped reading) is refused as busy at once; an answer over
 * {@code maxResponseBytes} fails its call.
 */
public final class StdioToolClient extends McpServerClient {

    /** How long a stopping server gets between TERM and KILL. */
    public static final long STOP_GRACE_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(StdioToolClient.class);

    private final StdioTargetSpec spec;
    private final NodeHistory history;
    private Context context;
    private ChildProcess child;

    /** Creates the client of a stdio target; its process's restarts go into {@code history}. */
    public StdioToolClient(Vertx vertx, TargetConfig config, StdioTargetSpec spec, NodeHistory history) {
        super(vertx, config);
        this.spec = spec;
        this.history = history;
    }

    @Override
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        launch();
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        restarts.stop();
        lost(config.name() + " is stopping");
        return child == null ? Future.succeededFuture() : child.stop(STOP_GRACE_MS);
    }

    @Override
    protected String notReadyMessage() {
        return "is starting or restarting; try again shortly";
    }

    /** Ends the process; its exit brings the restart. */
    @Override
    protected void unresponsive(String reason) {
        lost(reason);
        if (child != null) {
            child.stop(STOP_GRACE_MS);
        }
    }

    private void launch() {
        ChildProcess[] started = new ChildProcess[1];
        McpClientConnection[] wired = new McpClientConnection[1];
        wired[0] = connect((id, json) -> {
            if (!started[0].send(json) && id != McpWire.NO_REQUEST) {
                wired[0].fail(id, new UpstreamCallException(CallOutcome.BUSY, "its input holds "
                        + started[0].unread() / 1024 + " KiB it has not read yet"));
            }
        });
        McpClientConnection next = wired[0];
        StderrTail stderr = new StderrTail();
        ChildProcess.start(context, config.name(), spec, new ChildProcess.Output() {
            @Override
            public void line(String line) {
                next.onMessage(line);
            }

            @Override
            public void overLong(String head) {
                next.onOverLong(head, spec.maxResponseBytes());
            }
        }, stderr, code -> onExit(code, stderr))
                .compose(process -> {
                    started[0] = process;
                    child = process;
                    return handshake();
                })
                .onFailure(e -> {
                    LOG.warn("server did not come up [target: {}]: {}", config.name(), e.getMessage());
                    if (started[0] != null) {
                        started[0].stop(STOP_GRACE_MS);
                    } else {
                        restarts.schedule(this::launch);
                    }
                });
    }

    private void onExit(int code, StderrTail stderr) {
        boolean wasReady = available();
        lost(config.name() + " stopped unexpectedly (exit code " + code + "); the call did not complete");
        if (!restarts.stopped()) {
            history.restart(config.name(), code, stderr.lines());
            LOG.warn("server process exited [target: {}, code: {}, was ready: {}]", config.name(), code, wasReady);
            restarts.schedule(this::launch);
        }
    }
}
