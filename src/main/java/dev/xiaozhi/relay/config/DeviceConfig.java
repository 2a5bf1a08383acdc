package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.TokenHash;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A device of the configuration file.
 *
 * @param id        device id within its tenant
 * @param name      display name
 * @param tokenHash hash of its token; empty when the relay is to generate one
 * @param endpoint  the Xiaozhi MCP endpoint the relay dials out to for this device (a secret: the URL holds a token)
 */
public record DeviceConfig(String id, String name, Optional<TokenHash> tokenHash, Optional<String> endpoint) {

    @Override
    public String toString() {
        return "DeviceConfig[id=" + id + ", name=" + name + ", endpoint=" + (endpoint.isPresent() ? "set" : "none")
                + "]";
    }


    /** What tenant and device ids look like. */
    public static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");

    static DeviceConfig from(String id, ConfigNode node) {
        requireId(id, node);
        node.object("name", "token", "tokenHash", "endpoint");
        Optional<TokenHash> tokenHash = tokenHash(node);
        Optional<String> endpoint = node.optionalString("endpoint").filter(url -> !url.isEmpty());
        if (endpoint.isPresent() && !endpoint.get().matches("^wss?://.+")) {
            throw node.child("endpoint").error("expected a ws:// or wss:// URL");
        }
        return new DeviceConfig(id, node.string("name", id), tokenHash, endpoint);
    }

    /** The hash of {@code token} (a plain token, hashed here) or {@code tokenHash}; empty when neither is set. */
    static Optional<TokenHash> tokenHash(ConfigNode node) {
        String token = node.string("token", "");
        String hash = node.string("tokenHash", "");
        if (!token.isEmpty() && !hash.isEmpty()) {
            throw node.error("set either token or tokenHash, not both");
        }
        if (!token.isEmpty()) {
            return Optional.of(TokenHash.ofPlain(token));
        }
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(TokenHash.parse(hash));
        } catch (IllegalArgumentException e) {
            throw node.child("tokenHash").error(e.getMessage());
        }
    }

    static void requireId(String id, ConfigNode node) {
        if (!ID.matcher(id).matches()) {
            throw node.error("ids are 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
        }
    }
}
