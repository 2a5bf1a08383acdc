package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.registry.Page;
import dev.xiaozhi.relay.registry.Registry;
import dev.xiaozhi.relay.registry.Status;
import dev.xiaozhi.relay.registry.Tenant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Tenants: create, list, get, update, disable and delete. */
public final class TenantRoutes {

    private final Registry registry;

    /** Routes over a registry. */
    public TenantRoutes(Registry registry) {
        this.registry = registry;
    }

    void mount(Router router) {
        router.get("/tenants").handler(this::list);
        router.post("/tenants").handler(this::create);
        router.get("/tenants/:tenant").handler(ctx -> AdminApi.respond(ctx, 200,
                registry.tenant(ctx.pathParam("tenant")).map(RegistryJson::tenant)));
        router.patch("/tenants/:tenant").handler(this::update);
        router.post("/tenants/:tenant/disable").handler(this::disable);
        router.delete("/tenants/:tenant").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        AdminApi.respond(ctx, 200, registry.tenants(ctx.queryParams().get("cursor"), AdminApi.limit(ctx))
                .map(TenantRoutes::page));
    }

    private void create(RoutingContext ctx) {
        RegistryJson body = RegistryJson.read(AdminApi.body(ctx), "id", "name", "status", "limits", "policy");
        String id = body.id("id");
        String name = body.name(id);
        Status status = body.status(Status.ACTIVE);
        TenantLimits limits = body.limits(TenantLimits.DEFAULTS);
        ToolRule policy = body.policy(ToolRule.ALLOW_ALL);
        body.check();
        Tenant tenant = new Tenant(id, name, status, limits, policy == null ? ToolRule.ALLOW_ALL : policy,
                System.currentTimeMillis(), null);
        AdminApi.respond(ctx, 201, registry.createTenant(tenant).onSuccess(t -> Audit.record(ctx, "tenant.create",
                id)).map(RegistryJson::tenant));
    }

    private void update(RoutingContext ctx) {
        String id = ctx.pathParam("tenant");
        RegistryJson body = RegistryJson.read(AdminApi.body(ctx), "name", "status", "limits", "policy");
        body.check();
        AdminApi.respond(ctx, 200, registry.updateTenant(id, current -> {
            RegistryJson change = RegistryJson.read(AdminApi.body(ctx), "name", "status", "limits", "policy");
            ToolRule policy = change.policy(current.policy());
            return current.with(change.name(current.name()), change.status(current.status()),
                    change.limits(current.limits()), policy == null ? ToolRule.ALLOW_ALL : policy);
        }).onSuccess(t -> Audit.record(ctx, "tenant.update", id)).map(RegistryJson::tenant));
    }

    private void disable(RoutingContext ctx) {
        String id = ctx.pathParam("tenant");
        AdminApi.respond(ctx, 200, registry.updateTenant(id, t -> t.with(t.name(), Status.DISABLED, t.limits(),
                t.policy())).onSuccess(t -> Audit.record(ctx, "tenant.disable", id)).map(RegistryJson::tenant));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("tenant");
        AdminApi.respond(ctx, 204, registry.deleteTenant(id).onSuccess(v -> Audit.record(ctx, "tenant.delete", id)));
    }

    private static JsonObject page(Page<Tenant> page) {
        return new JsonObject().put("items", new JsonArray(page.items().stream().map(RegistryJson::tenant).toList()))
                .put("next", page.next());
    }
}
