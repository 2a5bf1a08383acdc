package dev.xiaozhi.relay.config;

import java.time.Duration;

/**
 * A target's circuit breaker.
 *
 * @param maxFailures   failures within {@code failureWindow} that open the circuit
 * @param resetTimeout  time the circuit stays open before one trial call
 * @param failureWindow the rolling window failures are counted in
 */
public record BreakerConfig(int maxFailures, Duration resetTimeout, Duration failureWindow) {

    /** Default failures that open the circuit. */
    public static final int DEFAULT_MAX_FAILURES = 5;
    /** Default open time. */
    public static final Duration DEFAULT_RESET_TIMEOUT = Duration.ofSeconds(30);
    /** Default counting window. */
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofSeconds(10);

    static BreakerConfig from(ConfigNode node) {
        node.object("maxFailures", "resetTimeout", "failureWindow");
        return new BreakerConfig(node.integer("maxFailures", 1, 1_000_000, DEFAULT_MAX_FAILURES),
                node.duration("resetTimeout", DEFAULT_RESET_TIMEOUT),
                node.duration("failureWindow", DEFAULT_FAILURE_WINDOW));
    }
}
