package dev.xiaozhi.relay.config;

import java.time.Duration;

/**
 * Throttling of failed device authentication per remote address, to slow token guessing: more than {@code max}
 * failures within {@code window} and the address gets HTTP 429 for {@code block}.
 *
 * @param max    failures allowed within the window; 0 turns throttling off
 * @param window the window failures are counted in
 * @param block  how long an address that went over is refused
 */
public record AuthFailuresConfig(int max, Duration window, Duration block) {

    /** Default failures per window. */
    public static final int DEFAULT_MAX = 10;
    /** Default window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    /** Default block. */
    public static final Duration DEFAULT_BLOCK = Duration.ofMinutes(5);
    /** The defaults. */
    public static final AuthFailuresConfig DEFAULT = new AuthFailuresConfig(DEFAULT_MAX, DEFAULT_WINDOW,
            DEFAULT_BLOCK);

    static AuthFailuresConfig from(ConfigNode node) {
        node.object("max", "window", "block");
        return new AuthFailuresConfig(node.integer("max", 0, 1_000_000, DEFAULT_MAX),
                node.duration("window", DEFAULT_WINDOW), node.duration("block", DEFAULT_BLOCK));
    }
}
