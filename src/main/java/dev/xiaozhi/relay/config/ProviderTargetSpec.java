package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.TokenHash;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool provider that dials in on {@code /tools} (an {@code mcp_pipe.py}-style bridge); the relay is the MCP client
 * on its socket. Its token is a provider token, never valid as a device token and the other way round.
 *
 * @param tokenHash   hash of the provider token
 * @param replace     whether a second connection with the token replaces the first (else it is refused)
 * @param pingInterval how often the provider's socket is pinged; one silent (not even a pong) for this and the
 *                     target's {@code pingTimeout} is dropped as dead
 */
public record ProviderTargetSpec(TokenHash tokenHash, boolean replace, Duration pingInterval) implements TargetSpec {

    /** Default ping period of a provider's socket. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);

    static ProviderTargetSpec from(ConfigNode node) {
        String token = node.string("token", "");
        String hash = node.string("tokenHash", "");
        if (token.isEmpty() == hash.isEmpty()) {
            throw node.error("set one of token or tokenHash");
        }
        TokenHash tokenHash;
        try {
            tokenHash = token.isEmpty() ? TokenHash.parse(hash) : TokenHash.ofPlain(token);
        } catch (IllegalArgumentException e) {
            throw node.child("tokenHash").error(e.getMessage());
        }
        Map<String, Boolean> duplicates = new LinkedHashMap<>();
        duplicates.put("replace", true);
        duplicates.put("refuse", false);
        return new ProviderTargetSpec(tokenHash, node.oneOf("onDuplicate", duplicates, true),
                node.duration("pingInterval", DEFAULT_PING_INTERVAL));
    }

    /** Keys of a provider target besides the common ones. */
    static List<String> keys() {
        return List.of("token", "tokenHash", "onDuplicate", "pingInterval");
    }
}
