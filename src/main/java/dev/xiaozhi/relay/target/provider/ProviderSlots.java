package dev.xiaozhi.relay.target.provider;

import dev.xiaozhi.relay.auth.TokenHash;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The node's provider targets by provider token hash: where a socket dialling in on {@code /tools} belongs. */
public final class ProviderSlots {

    private final Map<TokenHash, ProviderToolClient> slots = new ConcurrentHashMap<>();

    void register(TokenHash token, ProviderToolClient client) {
        slots.put(token, client);
    }

    /** The provider a presented token belongs to, if any. */
    public Optional<ProviderToolClient> find(String token) {
        return token == null || token.isEmpty() ? Optional.empty()
                : Optional.ofNullable(slots.get(TokenHash.ofPlain(token)));
    }

    /** Hands an accepted socket to its provider. */
    public void attach(ProviderToolClient provider, ServerWebSocket socket) {
        provider.attach(socket);
    }
}
