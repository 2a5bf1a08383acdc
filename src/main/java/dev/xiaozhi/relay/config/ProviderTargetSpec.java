package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.TokenHash;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool provider that dials in on {@code /tools} (an {@code mcp_pipe.py}-style bridge); the relay is the MCP client
 * on its socket. Its token is a provider token, never valid as a device token and the other way round.
 *
 * @param tokenHash   hash of the provider token
 * @param replace     whether a second connection with the token replaces the first (else it is refused)
 */
public record ProviderTargetSpec(TokenHash tokenHash, boolean replace) implements TargetSpec {

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
        return new ProviderTargetSpec(tokenHash, node.oneOf("onDuplicate", duplicates, true));
    }

    /** Keys of a provider target besides the common ones. */
    static List<String> keys() {
        return List.of("token", "tokenHash", "onDuplicate");
    }
}
