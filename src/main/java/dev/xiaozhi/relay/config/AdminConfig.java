package dev.xiaozhi.relay.config;

/**
 * The admin port: health and metrics.
 *
 * @param host bind address; loopback by default
 * @param port admin port; 0 picks a free one
 */
public record AdminConfig(String host, int port) {

    /** Default admin port. */
    public static final int DEFAULT_PORT = 8081;
    /** Default bind address. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    static AdminConfig from(ConfigNode node) {
        node.object("host", "port");
        return new AdminConfig(node.string("host", DEFAULT_HOST), node.integer("port", 0, 65535, DEFAULT_PORT));
    }
}
