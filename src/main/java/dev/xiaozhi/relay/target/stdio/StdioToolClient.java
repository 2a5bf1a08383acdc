package dev.xiaozhi.relay.target.stdio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.node.RelayNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.routing.ToolCall;
import dev.xiaozhi.relay.target.RetryBackoff;
import dev.xiaozhi.relay.target.ToolClient;
import dev.xiaozhi.relay.target.ToolReply;
import dev.xiaozhi.relay.target.mcp.McpClientConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code stdio} target: one MCP server process per target per node, supervised. Calls from many devices are
 * multiplexed over it with relay-side ids. A crash fails every call in flight at once and restarts the process with
 * backoff; while it is down the last good tool list stays in the catalog.
 */
public final class StdioToolClient implements ToolClient {

    /** How long a stopping server gets between TERM and KILL. */
    public static final long STOP_GRACE_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(StdioToolClient.class);

    private final Vertx vertx;
    private final TargetConfig config;
    private final StdioTargetSpec spec;
    private final RetryBackoff backoff = new RetryBackoff();
    private final Map<String, Long> requestIds = new HashMap<>();
    private Context context;
    private ChildProcess child;
    private McpClientConnection connection;
    private JsonNode tools = Json.MAPPER.createArrayNode();
    private Runnable toolsChanged = () -> { };
    private boolean ready;
    private boolean stopping;
    private long startedAt;
    private long restartTimer = -1;

    /** Creates the client of a stdio target. */
    public StdioToolClient(Vertx vertx, TargetConfig config, StdioTargetSpec spec) {
        this.vertx = vertx;
        this.config = config;
        this.spec = spec;
    }

    @Override
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        launch();
        return Future.succeededFuture();
    }

    @Override
    public Future<JsonNode> listTools() {
        return Future.succeededFuture(tools);
    }

    @Override
    public Future<ToolReply> call(ToolCall call) {
        if (!ready) {
            return Future.failedFuture(config.name() + " is starting or restarting; try again shortly");
        }
        McpClientConnection.PendingCall pending = connection.callTool(call.tool(), call.arguments());
        requestIds.put(call.callId(), pending.requestId());
        return pending.reply().onComplete(done -> requestIds.remove(call.callId()));
    }

    @Override
    public void cancel(String callId, String reason) {
        Long requestId = requestIds.remove(callId);
        if (requestId != null && connection != null) {
            connection.cancel(requestId, reason);
        }
    }

    @Override
    public void toolsChangedHandler(Runnable listener) {
        this.toolsChanged = listener;
    }

    @Override
    public Future<Void> stop() {
        stopping = true;
        ready = false;
        vertx.cancelTimer(restartTimer);
        if (connection != null) {
            connection.failAll(config.name() + " is stopping");
        }
        return child == null ? Future.succeededFuture() : child.stop(STOP_GRACE_MS);
    }

    /** The running server's process id, or -1. */
    public long pid() {
        return child == null ? -1 : child.pid();
    }

    private void launch() {
        restartTimer = -1;
        McpClientConnection next = new McpClientConnection(vertx, config.name(), (id, json) -> child.send(json));
        next.notificationHandler(this::onNotification);
        long timeoutMs = config.timeout().toMillis();
        ChildProcess.start(context, config.name(), spec, next::onMessage, this::onExit)
                .compose(started -> {
                    child = started;
                    connection = next;
                    startedAt = System.nanoTime();
                    return next.initialize(RelayNode.version(), timeoutMs);
                })
                .compose(v -> next.listTools(timeoutMs))
                .onSuccess(listed -> {
                    tools = listed;
                    ready = true;
                    LOG.info("server ready [target: {}, protocol: {}, tools: {}]", config.name(), next.version(),
                            listed.size());
                    toolsChanged.run();
                })
                .onFailure(e -> {
                    LOG.warn("server did not come up [target: {}]: {}", config.name(), e.getMessage());
                    if (child != null && connection == next) {
                        child.stop(STOP_GRACE_MS);
                    } else {
                        scheduleRestart();
                    }
                });
    }

    private void onExit(int code) {
        boolean wasReady = ready;
        ready = false;
        requestIds.clear();
        if (connection != null) {
            connection.failAll(config.name() + " stopped unexpectedly (exit code " + code
                    + "); the call did not complete");
        }
        if (!stopping) {
            LOG.warn("server process exited [target: {}, code: {}, was ready: {}]", config.name(), code, wasReady);
            scheduleRestart();
        }
    }

    private void scheduleRestart() {
        if (stopping || restartTimer >= 0) {
            return;
        }
        long upForMs = (System.nanoTime() - startedAt) / 1_000_000;
        long delay = backoff.nextDelayMs(startedAt == 0 ? 0 : upForMs);
        LOG.info("restarting server [target: {}, in ms: {}]", config.name(), delay);
        restartTimer = vertx.setTimer(delay, id -> launch());
    }

    private void onNotification(String method, JsonNode params) {
        if ("notifications/tools/list_changed".equals(method) && ready) {
            connection.listTools(config.timeout().toMillis()).onSuccess(listed -> {
                tools = listed;
                toolsChanged.run();
            });
        } else {
            LOG.debug("server notification [target: {}, method: {}]", config.name(), method);
        }
    }
}
