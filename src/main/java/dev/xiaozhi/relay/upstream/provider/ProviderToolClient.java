package dev.xiaozhi.relay.upstream.provider;

import dev.xiaozhi.relay.config.ProviderTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.upstream.mcp.McpServerClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code provider} target: an MCP server that dials in on {@code /tools} with its provider token. The relay is the
 * MCP client on that socket (relay-side integer ids, id 0 never special, notifications kept, every call with a
 * deadline). A second connection replaces the first, or is refused, as configured; while none is connected, calls
 * fail at once and the last good tools stay listed, marked.
 */
public final class ProviderToolClient extends McpServerClient {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderToolClient.class);
    private static final short CLOSE_REPLACED = 4000;
    private static final short CLOSE_SLOT_TAKEN = 4001;

    private final ProviderTargetSpec spec;
    private Context context;
    private ServerWebSocket socket;

    /** Creates the client and registers its slot. */
    public ProviderToolClient(Vertx vertx, TargetConfig config, ProviderTargetSpec spec, ProviderSlots slots) {
        super(vertx, config);
        this.spec = spec;
        slots.register(config.name(), this);
    }

    @Override
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        lost(config.name() + " is stopping");
        return socket == null ? Future.succeededFuture() : socket.close((short) 1001, "relay shutting down");
    }

    @Override
    protected String notReadyMessage() {
        return "has no provider connected; try again shortly";
    }

    /** Takes a socket that dialled in (from any thread); handled on this target's context. */
    void attach(ServerWebSocket incoming) {
        context.runOnContext(v -> onAttach(incoming));
    }

    private void onAttach(ServerWebSocket incoming) {
        if (socket != null) {
            if (!spec.replace()) {
                LOG.warn("second provider connection refused [target: {}]", config.name());
                incoming.close(CLOSE_SLOT_TAKEN, "provider slot taken");
                return;
            }
            LOG.info("provider connection replaced [target: {}]", config.name());
            ServerWebSocket old = socket;
            socket = null;
            lost(config.name() + " provider was replaced; the call did not complete");
            old.close(CLOSE_REPLACED, "replaced by a new connection");
        }
        socket = incoming;
        connect((id, json) -> incoming.writeTextMessage(json));
        incoming.textMessageHandler(text -> context.runOnContext(v -> {
            if (socket == incoming) {
                connection().onMessage(text);
            }
        }));
        incoming.closeHandler(closed -> context.runOnContext(v -> {
            if (socket == incoming) {
                socket = null;
                LOG.info("provider disconnected [target: {}]", config.name());
                lost(config.name() + " provider disconnected; the call did not complete");
            }
        }));
        LOG.info("provider connected [target: {}, remote: {}]", config.name(), incoming.remoteAddress());
        handshake().onFailure(e -> {
            LOG.warn("provider handshake failed [target: {}]: {}", config.name(), e.getMessage());
            incoming.close((short) 1002, "MCP handshake failed");
        });
    }
}
