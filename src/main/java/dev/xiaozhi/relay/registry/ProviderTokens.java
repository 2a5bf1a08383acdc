package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.auth.Tokens;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The tokens of provider targets, in the registry next to tenants and devices: imported from the configuration,
 * rotated through the admin API (the previous token works for a grace), durable like every registry write.
 */
public final class ProviderTokens {

    /** Store collection of provider tokens. */
    public static final String PROVIDERS = "providers";

    private static final String MAP_PREFIX = "relay.registry.";

    private final Vertx vertx;
    private final DurableMap<Provider> providers;
    private final TokenIndex tokens;
    private final SerialWrites writes = new SerialWrites();

    private ProviderTokens(Vertx vertx, LiveMaps maps, RegistryStore store) {
        this.vertx = vertx;
        this.providers = new DurableMap<>(vertx, maps.map(MAP_PREFIX + PROVIDERS), store, PROVIDERS, Provider.class,
                false);
        this.tokens = new TokenIndex(vertx, maps.map(MAP_PREFIX + "provider-tokens"));
    }

    /** Starts over the live maps, loading the store into them when this is the first member. */
    public static Future<ProviderTokens> start(Vertx vertx, LiveMaps maps, RegistryStore store) {
        return store.load().compose(stored -> RegistryLocks.under(vertx, MAP_PREFIX + "load",
                () -> vertx.executeBlocking(() -> loaded(new ProviderTokens(vertx, maps, store), stored), false)))
                .compose(registry -> registry.providers.values()
                        .compose(all -> Future.all(all.stream().map(registry::index).toList()))
                        .map(registry));
    }

    /** The registry, its live map filled from the stored records when it is the first member (blocking). */
    private static ProviderTokens loaded(ProviderTokens registry, Map<String, Map<String, String>> stored) {
        if (registry.providers.isEmpty()) {
            registry.providers.load(stored.getOrDefault(PROVIDERS, Map.of()));
        }
        return registry;
    }

    /** The provider target a presented token belongs to, if any. */
    public Future<Optional<String>> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        String hash = TokenHash.ofPlain(token).toString();
        long now = System.currentTimeMillis();
        return tokens.find(hash).compose(target -> target == null ? Future.succeededFuture(Optional.empty())
                : providers.get(target).map(found -> found.filter(p -> p.accepts(hash, now)).map(Provider::target)));
    }

    /** Every provider, by target name. */
    public Future<List<Provider>> list() {
        return providers.values();
    }

    /** Issues a new token for a provider, shown once; the old one keeps working for {@code grace}. */
    public Future<Provider.Issued> rotate(String target, Duration grace) {
        return serially(target, () -> providers.get(target).compose(found -> {
            Provider current = found.orElseThrow(() -> ClientErrorException.notFound("provider " + target));
            String token = Tokens.generateToken();
            long until = grace.isZero() ? 0 : System.currentTimeMillis() + grace.toMillis();
            Provider rotated = new Provider(target, TokenHash.ofPlain(token).toString(),
                    until == 0 ? null : current.tokenHash(), until, current.createdAt(), current.fingerprint());
            return save(rotated).map(v -> {
                if (until == 0) {
                    tokens.remove(current.tokenHash());
                }
                return new Provider.Issued(rotated, token);
            });
        }));
    }

    /**
     * Takes a configured provider token: stored when new, replaced when the configuration's token changed since it
     * was last imported, left alone otherwise (so a rotation stands until the file changes).
     */
    public Future<Void> importConfigured(String target, TokenHash configured) {
        String hash = configured.toString();
        return serially(target, () -> providers.get(target).compose(found -> {
            if (found.isPresent() && hash.equals(found.get().fingerprint())) {
                return Future.succeededFuture();
            }
            found.ifPresent(old -> tokens.remove(old.tokenHash(), old.previousTokenHash()));
            long createdAt = found.map(Provider::createdAt).orElse(System.currentTimeMillis());
            return save(new Provider(target, hash, null, 0, createdAt, hash));
        }));
    }

    /** Runs a write after this node's earlier ones, under the provider's lock shared by every node. */
    private <T> Future<T> serially(String target, Supplier<Future<T>> write) {
        return writes.run(() -> RegistryLocks.under(vertx, MAP_PREFIX + "provider." + target, write));
    }

    private Future<Void> save(Provider provider) {
        return providers.put(provider.target(), provider).compose(v -> index(provider));
    }

    private Future<Void> index(Provider provider) {
        return tokens.index(provider.target(), provider.tokenHash(), provider.previousTokenHash(),
                provider.previousValidUntil());
    }
}
