package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of front a session can come through. */
public enum FrontKind {

    /** An inbound WebSocket at {@code /mcp}. */
    WEBSOCKET(true, true),
    /** An outbound pipe the relay dialled to a device's Xiaozhi endpoint. */
    PIPE(false, true),
    /** An inbound Streamable HTTP session at {@code /mcp}. */
    HTTP(true, false),
    /** An inbound legacy HTTP+SSE session (MCP 2024-11-05) at {@code /sse}: its stream holds a connection. */
    SSE(true, true),
    /** The relay's own stdin and stdout, as a local MCP server ({@code stdio-builtin}). */
    STDIO(false, false);

    private final boolean limited;
    private final boolean perDevice;

    FrontKind(boolean limited, boolean perDevice) {
        this.limited = limited;
        this.perDevice = perDevice;
    }

    /**
     * Whether its sessions count against a tenant's {@code maxSessionsPerDevice}: WebSocket, SSE and pipe ones do; HTTP
     * sessions have a per-device limit of their own, and the local stdio one is alone.
     */
    public boolean perDevice() {
        return perDevice;
    }

    /**
     * Whether its sessions count against a tenant's {@code maxSessions}: inbound ones do; pipes, one per registered
     * endpoint, are bounded by the tenant's devices instead.
     */
    public boolean limited() {
        return limited;
    }

    /** The lowercase name used in JSON and logs. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
