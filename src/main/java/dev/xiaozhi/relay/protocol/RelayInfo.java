package dev.xiaozhi.relay.protocol;

/** How the relay names itself to MCP peers: in {@code serverInfo} to devices and {@code clientInfo} to targets. */
public final class RelayInfo {

    /** The implementation name. */
    public static final String NAME = "xiaozhi-relay";

    private RelayInfo() {
    }

    /** The relay's version from the jar manifest; {@code dev} when run from classes. */
    public static String version() {
        String version = RelayInfo.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
