package dev.xiaozhi.relay.config;

import java.time.Duration;

/**
 * The outbound pipes: one WebSocket per device endpoint, dialled out to the Xiaozhi cloud.
 *
 * @param connectRate  new connection attempts per second per node, so a restart does not storm the cloud
 * @param backoffBase  first reconnect delay (full jitter), doubling
 * @param backoffCap   longest reconnect delay; also the delay after a refused (401/403) handshake
 * @param healthyAfter a connection up this long resets the backoff
 * @param pingInterval WebSocket ping period
 * @param pongTimeout  a ping unanswered this long closes the connection
 */
public record PipesConfig(int connectRate, Duration backoffBase, Duration backoffCap, Duration healthyAfter,
        Duration pingInterval, Duration pongTimeout) {

    static PipesConfig from(ConfigNode node) {
        node.object("connectRate", "backoffBase", "backoffCap", "healthyAfter", "pingInterval", "pongTimeout");
        return new PipesConfig(node.integer("connectRate", 1, 100_000, 50),
                node.duration("backoffBase", Duration.ofSeconds(1)),
                node.duration("backoffCap", Duration.ofSeconds(600)),
                node.duration("healthyAfter", Duration.ofSeconds(60)),
                node.duration("pingInterval", Duration.ofSeconds(25)),
                node.duration("pongTimeout", Duration.ofSeconds(10)));
    }
}
