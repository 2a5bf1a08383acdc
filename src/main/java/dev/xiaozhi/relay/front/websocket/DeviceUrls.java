package dev.xiaozhi.relay.front.websocket;

import dev.xiaozhi.relay.config.ServerConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The URL a client is given for a device: {@code server.publicUrl}, or the bound address, with the token. */
public final class DeviceUrls {

    private DeviceUrls() {
    }

    /** The MCP endpoint with a device token, e.g. {@code ws://localhost:8080/mcp?token=xzr_…}. */
    public static String withToken(ServerConfig server, int port, String token) {
        return endpoint(server, port) + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static String endpoint(ServerConfig server, int port) {
        if (server.publicUrl().isPresent()) {
            String base = server.publicUrl().get();
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + WebSocketFrontVerticle.PATH;
        }
        String host = "0.0.0.0".equals(server.host()) || "::".equals(server.host()) ? "localhost" : server.host();
        return (server.tls().isPresent() ? "wss://" : "ws://") + host + ":" + port + WebSocketFrontVerticle.PATH;
    }
}
