package dev.xiaozhi.relay.config;

import java.time.Duration;

/**
 * The dashboard's sign-in sessions on the admin port.
 *
 * @param idleTimeout how long a session lives after its last request
 * @param maxSessions the most sessions kept; signing in beyond that ends the one idle the longest
 */
public record DashboardConfig(Duration idleTimeout, int maxSessions) {

    /** Default idle timeout of a dashboard session. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** Default bound on the number of dashboard sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 100;
    /** The defaults. */
    public static final DashboardConfig DEFAULTS = new DashboardConfig(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_SESSIONS);

    static DashboardConfig from(ConfigNode node) {
        node.object("idleTimeout", "maxSessions");
        return new DashboardConfig(node.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT),
                node.integer("maxSessions", 1, 10_000, DEFAULT_MAX_SESSIONS));
    }
}
