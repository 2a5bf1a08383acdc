package dev.xiaozhi.relay.protocol;

import java.util.List;

/** The MCP protocol revisions the relay speaks and how a session's revision is chosen. */
public final class McpVersions {

    /** What the Xiaozhi cloud speaks. */
    public static final String V2024_11_05 = "2024-11-05";
    /** The only revision with JSON-RPC batches. */
    public static final String V2025_03_26 = "2025-03-26";
    /** Revision 2025-06-18. */
    public static final String V2025_06_18 = "2025-06-18";
    /** Revision 2025-11-25. */
    public static final String V2025_11_25 = "2025-11-25";

    /** Supported revisions, oldest first. */
    public static final List<String> SUPPORTED = List.of(V2024_11_05, V2025_03_26, V2025_06_18, V2025_11_25);

    /** The newest supported revision. */
    public static final String LATEST = V2025_11_25;

    private McpVersions() {
    }

    /** The client's revision when supported, else the newest one. */
    public static String negotiate(String requested) {
        return SUPPORTED.contains(requested) ? requested : LATEST;
    }

    /** Whether JSON-RPC batches are allowed under a revision. */
    public static boolean allowsBatches(String version) {
        return V2025_03_26.equals(version);
    }
}
