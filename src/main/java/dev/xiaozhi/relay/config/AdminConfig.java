package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.TokenHash;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin port: health, metrics and the admin API.
 *
 * @param host   bind address; loopback by default
 * @param port   admin port; 0 picks a free one
 * @param tokens    the admin API's bearer tokens by name; when empty, the node generates one under its state directory
 * @param dashboard the dashboard's sign-in sessions
 */
public record AdminConfig(String host, int port, Map<String, AdminToken> tokens, DashboardConfig dashboard) {

    /** Default admin port. */
    public static final int DEFAULT_PORT = 8081;
    /** Default bind address. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** An admin port with the dashboard's defaults. */
    public AdminConfig(String host, int port, Map<String, AdminToken> tokens) {
        this(host, port, tokens, DashboardConfig.DEFAULTS);
    }

    /**
     * An admin bearer token, known by its hash.
     *
     * @param name     who uses it, as written to the audit log
     * @param hash     the token's hash
     * @param readOnly whether it may only read
     */
    public record AdminToken(String name, TokenHash hash, boolean readOnly) {
    }

    static AdminConfig from(ConfigNode node) {
        node.object("host", "port", "tokens", "dashboard");
        Map<String, AdminToken> tokens = new LinkedHashMap<>();
        node.entries("tokens").forEach((name, token) -> {
            DeviceConfig.requireId(name, token);
            token.object("token", "tokenHash", "role");
            TokenHash hash = DeviceConfig.tokenHash(token).orElseThrow(() -> token.error("set token or tokenHash"));
            boolean readOnly = token.oneOf("role", new TreeMap<>(Map.of("admin", false, "reader", true)), false);
            tokens.put(name, new AdminToken(name, hash, readOnly));
        });
        return new AdminConfig(node.string("host", DEFAULT_HOST), node.integer("port", 0, 65535, DEFAULT_PORT),
                Collections.unmodifiableMap(tokens), DashboardConfig.from(node.child("dashboard")));
    }

    /** This configuration on another port. */
    public AdminConfig withPort(int newPort) {
        return new AdminConfig(host, newPort, tokens, dashboard);
    }
}
