package dev.xiaozhi.relay.upstream.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.upstream.ToolClient;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every target that is an MCP server has in common, whatever the transport: the handshake, the last good tool
 * list (kept while the server is down), calls multiplexed under relay-side ids, cancellation, progress routed back to
 * its call, and re-listing on {@code notifications/tools/list_changed} (coalesced: one listing at a time). Subclasses
 * bring the transport.
 */
public abstract class McpServerClient implements ToolClient {

    private static final Logger LOG = LoggerFactory.getLogger(McpServerClient.class);

    /** The Vert.x instance. */
    protected final Vertx vertx;
    /** The target's configuration. */
    protected final TargetConfig config;

    private final Map<String, Long> requestIds = new HashMap<>();
    private final Map<Long, String> callIds = new HashMap<>();
    private McpClientConnection connection;
    private JsonNode tools = Json.MAPPER.createArrayNode();
    private Runnable toolsChanged = () -> { };
    private BiConsumer<String, JsonNode> progress = (callId, params) -> { };
    private boolean ready;
    private boolean listing;
    private boolean relistWanted;

    /** Creates the shared part of a client. */
    protected McpServerClient(Vertx vertx, TargetConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /** What a call is told while the server is not ready. */
    protected abstract String notReadyMessage();

    @Override
    public Future<JsonNode> listTools() {
        return Future.succeededFuture(tools);
    }

    @Override
    public Future<ToolReply> call(ToolCall call) {
        if (!ready) {
            return Future.failedFuture(new UpstreamCallException(CallOutcome.TRANSPORT_FAILED,
                    config.name() + " " + notReadyMessage()));
        }
        McpClientConnection.PendingCall pending = connection.callTool(call.tool(), call.arguments(),
                call.replyTo() != null);
        requestIds.put(call.callId(), pending.requestId());
        callIds.put(pending.requestId(), call.callId());
        return pending.reply().onComplete(done -> forget(call.callId()));
    }

    @Override
    public void cancel(String callId, String reason) {
        Long requestId = forget(callId);
        if (requestId != null && connection != null) {
            connection.cancel(requestId, reason);
        }
    }

    @Override
    public void toolsChangedHandler(Runnable listener) {
        this.toolsChanged = listener;
    }

    @Override
    public void progressHandler(BiConsumer<String, JsonNode> handler) {
        this.progress = handler;
    }

    /** A new connection over {@code wire}, which becomes the current one. */
    protected McpClientConnection connect(McpWire wire) {
        McpClientConnection next = new McpClientConnection(vertx, config.name(), wire);
        next.notificationHandler(this::onNotification);
        connection = next;
        return next;
    }

    /** The current connection, or null. */
    protected McpClientConnection connection() {
        return connection;
    }

    /** Runs the handshake and the first listing on the current connection; the target is ready after it. */
    protected Future<Void> handshake() {
        McpClientConnection current = connection;
        long timeoutMs = config.timeout().toMillis();
        return current.initialize(RelayInfo.version(), timeoutMs)
                .compose(v -> current.listTools(timeoutMs))
                .onSuccess(listed -> {
                    tools = listed;
                    ready = true;
                    LOG.info("server ready [target: {}, protocol: {}, tools: {}]", config.name(), current.version(),
                            listed.size());
                    toolsChanged.run();
                })
                .mapEmpty();
    }

    /**
     * The server is gone: every call in flight fails at once as {@code TRANSPORT_FAILED} with {@code reason}; the
     * tool list stays.
     */
    protected void lost(String reason) {
        boolean wasReady = ready;
        ready = false;
        if (wasReady) {
            toolsChanged.run();
        }
        requestIds.clear();
        callIds.clear();
        if (connection != null) {
            connection.failAll(reason);
        }
    }

    @Override
    public boolean available() {
        return ready;
    }

    /**
     * Lists the tools again after the server said they changed: one listing at a time, and any number of changes
     * announced during it cost one more listing after it, so a server cannot keep the relay listing.
     */
    private void relist() {
        if (!ready) {
            return;
        }
        if (listing) {
            relistWanted = true;
            return;
        }
        listing = true;
        connection.listTools(config.timeout().toMillis()).onSuccess(listed -> {
            tools = listed;
            toolsChanged.run();
        }).onComplete(done -> {
            listing = false;
            if (relistWanted) {
                relistWanted = false;
                relist();
            }
        });
    }

    private Long forget(String callId) {
        Long requestId = requestIds.remove(callId);
        if (requestId != null) {
            callIds.remove(requestId);
        }
        return requestId;
    }

    private void onNotification(String method, JsonNode params) {
        switch (method) {
            case "notifications/tools/list_changed" -> relist();
            case "notifications/progress" -> {
                JsonNode token = params == null ? null : params.get("progressToken");
                String callId = token != null && token.canConvertToLong() ? callIds.get(token.asLong()) : null;
                if (callId != null) {
                    progress.accept(callId, params);
                }
            }
            default -> LOG.debug("server notification [target: {}, method: {}]", config.name(),
                    LogFields.escape(method));
        }
    }
}
