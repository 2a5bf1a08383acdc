package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.registry.Provider;
import dev.xiaozhi.relay.registry.ProviderTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;

/** Provider tokens (of the bridges that dial in on {@code /tools}): list, and rotate with a grace. */
public final class ProviderRoutes {

    private static final long MAX_GRACE_SECONDS = 30L * 24 * 3600;

    private final ProviderTokens providers;
    private final Duration defaultGrace;

    /** Routes over the registry's provider tokens; {@code defaultGrace} unless a rotation says. */
    public ProviderRoutes(ProviderTokens providers, Duration defaultGrace) {
        this.providers = providers;
        this.defaultGrace = defaultGrace;
    }

    void mount(Router router) {
        router.get("/providers").handler(ctx -> AdminApi.respond(ctx, 200, providers.list().map(all ->
                new JsonObject().put("items", new JsonArray(all.stream().map(ProviderRoutes::json).toList())))));
        router.post("/providers/:target/rotate").handler(this::rotate);
    }

    private void rotate(RoutingContext ctx) {
        RegistryJson body = RegistryJson.read(AdminApi.body(ctx), "graceSeconds");
        long grace = body.seconds("graceSeconds", defaultGrace.toSeconds(), MAX_GRACE_SECONDS);
        body.check();
        String target = ctx.pathParam("target");
        AdminApi.respond(ctx, 200, providers.rotate(target, Duration.ofSeconds(grace))
                .onSuccess(issued -> Audit.record(ctx, "provider.rotate", target))
                .map(issued -> new JsonObject().put("provider", json(issued.provider()))
                        .put("token", issued.token())));
    }

    private static JsonObject json(Provider provider) {
        JsonObject json = new JsonObject().put("target", provider.target())
                .put("createdAt", Instant.ofEpochMilli(provider.createdAt()).toString());
        if (provider.previousTokenHash() != null && provider.previousValidUntil() > System.currentTimeMillis()) {
            json.put("previousTokenValidUntil", Instant.ofEpochMilli(provider.previousValidUntil()).toString());
        }
        return json;
    }
}
