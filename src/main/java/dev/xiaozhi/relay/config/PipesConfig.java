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
 * @param onCatalogChange what a pipe does when the tools its device may see change
 * @param rehandshakeInterval the shortest time between two re-handshakes of one pipe
 */
public record PipesConfig(int connectRate, Duration backoffBase, Duration backoffCap, Duration healthyAfter,
        Duration pingInterval, Duration pongTimeout, OnCatalogChange onCatalogChange, Duration rehandshakeInterval) {

    /** What a pipe does when the tools its device may see change (names, descriptions or schemas). */
    public enum OnCatalogChange {
        /**
         * Sends {@code notifications/tools/list_changed}, then opens a new socket (the cloud reads the tool list only
         * at the handshake) and closes the old one once its calls are answered.
         */
        RECONNECT,
        /** Only sends {@code notifications/tools/list_changed}. */
        NOTIFY
    }

    static PipesConfig from(ConfigNode node) {
        node.object("connectRate", "backoffBase", "backoffCap", "healthyAfter", "pingInterval", "pongTimeout",
                "onCatalogChange", "rehandshakeInterval");
        return new PipesConfig(node.integer("connectRate", 1, 100_000, 50),
                node.duration("backoffBase", Duration.ofSeconds(1)),
                node.duration("backoffCap", Duration.ofSeconds(600)),
                node.duration("healthyAfter", Duration.ofSeconds(60)),
                node.duration("pingInterval", Duration.ofSeconds(25)),
                node.duration("pongTimeout", Duration.ofSeconds(10)),
                node.oneOf("onCatalogChange", TargetConfig.lowerCaseNames(OnCatalogChange.values()),
                        OnCatalogChange.RECONNECT),
                node.duration("rehandshakeInterval", Duration.ofSeconds(10)));
    }
}
