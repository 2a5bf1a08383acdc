package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of front a session can come through. */
public enum FrontKind {

    /** An inbound WebSocket at {@code /mcp}. */
    WEBSOCKET(true),
    /** An outbound pipe the relay dialled to a device's Xiaozhi endpoint. */
    PIPE(false),
    /** An inbound Streamable HTTP session at {@code /mcp}. */
    HTTP(true),
    /** The relay's own stdin and stdout, as a local MCP server ({@code stdio-builtin}). */
    STDIO(false);

    private final boolean limited;

    FrontKind(boolean limited) {
        this.limited = limited;
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
