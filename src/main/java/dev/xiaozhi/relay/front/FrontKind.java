package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of front a session can come through. */
public enum FrontKind {

    /** An inbound WebSocket at {@code /mcp}. */
    WEBSOCKET(true, true, false),
    /** An outbound pipe the relay dialled to a device's Xiaozhi endpoint. */
    PIPE(false, true, false),
    /** An inbound Streamable HTTP session at {@code /mcp}. */
    HTTP(true, false, true),
    /** An inbound legacy HTTP+SSE session (MCP 2024-11-05) at {@code /sse}: its stream holds a connection. */
    SSE(true, true, true),
    /** The relay's own stdin and stdout, as a local MCP server ({@code stdio-builtin}). */
    STDIO(false, false, true);

    private final boolean limited;
    private final boolean perDevice;
    private final boolean clientRequests;

    FrontKind(boolean limited, boolean perDevice, boolean clientRequests) {
        this.limited = limited;
        this.perDevice = perDevice;
        this.clientRequests = clientRequests;
    }

    /**
     * Whether the relay takes its sessions' declared {@code sampling}, {@code elicitation} and {@code roots} at their
     * word and relays servers' requests for them: HTTP, legacy SSE and stdio clients'. WebSocket and pipe sessions
     * are the Xiaozhi cloud's, which declares {@code sampling} without serving it: they stay tools-only, so a fleet
     * never costs an upstream session per device.
     */
    public boolean relaysClientRequests() {
        return clientRequests;
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
