package dev.xiaozhi.relay.upstream.provider;

import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's provider targets by name: where a socket dialling in on {@code /tools} belongs, once the registry has
 * told whose token it presented.
 */
public final class ProviderSlots {

    private final Map<String, ProviderToolClient> slots = new ConcurrentHashMap<>();

    void register(String target, ProviderToolClient client) {
        slots.put(target, client);
    }

    /** The provider target of this node with a name, if any. */
    public Optional<ProviderToolClient> find(String target) {
        return Optional.ofNullable(slots.get(target));
    }

    /** Hands an accepted socket to its provider. */
    public void attach(ProviderToolClient provider, ServerWebSocket socket) {
        provider.attach(socket);
    }
}
