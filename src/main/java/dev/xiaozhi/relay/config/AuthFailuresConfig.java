package dev.xiaozhi.relay.config;

import java.time.Duration;

/**
 * Throttling of failed authentication, to slow token guessing without locking a whole address out (a NAT, an
 * ingress, or a self-hosted Xiaozhi server holding many devices behind one address) for one bad device. Failures are
 * counted per presented token and remote address: more than {@code max} of one token within {@code window} and that
 * token gets HTTP 429 from that address for {@code block}; more than {@code maxTokensPerAddress} distinct failing
 * tokens from one address within the window and the address gets 429 for {@code block}, whatever it presents.
 *
 * @param max                 failures of one token from one address allowed within the window; 0 turns throttling
 *                            off
 * @param window              the window failures are counted in
 * @param block               how long a token and address, or an address, that went over is refused
 * @param maxTokensPerAddress distinct failing tokens allowed from one address within the window
 */
public record AuthFailuresConfig(int max, Duration window, Duration block, int maxTokensPerAddress) {

    /** Default failures of one token per window. */
    public static final int DEFAULT_MAX = 10;
    /** Default window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    /** Default block. */
    public static final Duration DEFAULT_BLOCK = Duration.ofMinutes(5);
    /** Default distinct failing tokens of one address per window. */
    public static final int DEFAULT_MAX_TOKENS_PER_ADDRESS = 100;
    /** The defaults. */
    public static final AuthFailuresConfig DEFAULT = new AuthFailuresConfig(DEFAULT_MAX, DEFAULT_WINDOW,
            DEFAULT_BLOCK, DEFAULT_MAX_TOKENS_PER_ADDRESS);

    static AuthFailuresConfig from(ConfigNode node) {
        node.object("max", "window", "block", "maxTokensPerAddress");
        return new AuthFailuresConfig(node.integer("max", 0, 1_000_000, DEFAULT_MAX),
                node.duration("window", DEFAULT_WINDOW), node.duration("block", DEFAULT_BLOCK),
                node.integer("maxTokensPerAddress", 1, 1_000_000, DEFAULT_MAX_TOKENS_PER_ADDRESS));
    }

    /**
     * These limits with an address blocked after {@code max} distinct failing tokens, as for the admin port, where
     * no crowd of devices shares an address.
     */
    public AuthFailuresConfig perAddress() {
        return new AuthFailuresConfig(max, window, block, Math.max(1, max));
    }
}
