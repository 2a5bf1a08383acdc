package dev.xiaozhi.relay.upstream.provider;

import dev.xiaozhi.relay.config.ProviderTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.upstream.mcp.McpServerClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code provider} target: an MCP server that dials in on {@code /tools} with its provider token. The relay is the
 * MCP client on that socket (relay-side integer ids, id 0 never special, notifications kept, every call with a
 * deadline). A second connection replaces the first, or is refused, as configured; while none is connected, calls
 * fail at once and the last good tools stay listed, marked. A provider is dropped (and may dial in again) when it
 * does not read what the relay writes (its write queue is full), when its socket is silent, not even answering the
 * relay's WebSocket pings, for {@code pingInterval} and {@code pingTimeout}, and when it answers no JSON-RPC
 * {@code ping} after a call ran out of time.
 */
public final class ProviderToolClient extends McpServerClient {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderToolClient.class);
    private static final short CLOSE_REPLACED = 4000;
    private static final short CLOSE_SLOT_TAKEN = 4001;
    private static final short CLOSE_POLICY_VIOLATION = 1008;
    private static final short CLOSE_GOING_AWAY = 1001;

    private final ProviderTargetSpec spec;
    private Context context;
    private ServerWebSocket socket;
    private long lastHeardNanos;
    private long pingTimer = -1;

    /** Creates the client and registers its slot. */
    public ProviderToolClient(Vertx vertx, TargetConfig config, ProviderTargetSpec spec, ProviderSlots slots) {
        super(vertx, config);
        this.spec = spec;
        slots.register(config.name(), this);
    }

    @Override
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        pingTimer = vertx.setPeriodic(spec.pingInterval().toMillis(), id -> keepAlive());
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        vertx.cancelTimer(pingTimer);
        lost(config.name() + " is stopping");
        return socket == null ? Future.succeededFuture() : socket.close(CLOSE_GOING_AWAY, "relay shutting down");
    }

    @Override
    protected String notReadyMessage() {
        return "has no provider connected; try again shortly";
    }

    /** Closes the socket; the provider may dial in again. */
    @Override
    protected void unresponsive(String reason) {
        drop(reason, CLOSE_GOING_AWAY, "no answer to ping");
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
            drop(config.name() + " provider was replaced; the call did not complete", CLOSE_REPLACED,
                    "replaced by a new connection");
        }
        socket = incoming;
        lastHeardNanos = System.nanoTime();
        connect((id, json) -> {
            if (socket != incoming) {
                return;
            }
            if (incoming.writeQueueFull()) {
                LOG.warn("provider does not read, dropped [target: {}]", config.name());
                drop(config.name() + " provider does not read what it is sent; it was disconnected",
                        CLOSE_POLICY_VIOLATION, "write queue full");
                return;
            }
            incoming.writeTextMessage(json);
        });
        incoming.textMessageHandler(text -> context.runOnContext(v -> {
            if (socket == incoming) {
                lastHeardNanos = System.nanoTime();
                connection().onMessage(text);
            }
        }));
        incoming.pongHandler(pong -> context.runOnContext(v -> {
            if (socket == incoming) {
                lastHeardNanos = System.nanoTime();
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
            if (socket == incoming) {
                LOG.warn("provider handshake failed [target: {}]: {}", config.name(), e.getMessage());
                drop(config.name() + " provider failed the MCP handshake", (short) 1002, "MCP handshake failed");
            }
        });
    }

    /** Pings the provider, or drops it when it has been silent for the ping interval and the ping timeout. */
    private void keepAlive() {
        ServerWebSocket current = socket;
        if (current == null) {
            return;
        }
        long silentNanos = System.nanoTime() - lastHeardNanos;
        if (silentNanos > spec.pingInterval().plus(config.pingTimeout()).toNanos()) {
            LOG.warn("provider silent, dropped [target: {}, silent ms: {}]", config.name(), silentNanos / 1_000_000);
            drop(config.name() + " provider went silent; it was disconnected", CLOSE_GOING_AWAY, "silent");
        } else if (!current.writeQueueFull()) {
            current.writePing(Buffer.buffer());
        }
    }

    /** Lets the current socket go: every call on it fails with {@code reason}, and it is closed. */
    private void drop(String reason, short code, String closeReason) {
        ServerWebSocket old = socket;
        socket = null;
        lost(reason);
        if (old != null) {
            old.close(code, closeReason);
        }
    }
}
