package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.registry.Device;
import dev.xiaozhi.relay.registry.IssuedToken;
import dev.xiaozhi.relay.registry.Page;
import dev.xiaozhi.relay.registry.Registry;
import dev.xiaozhi.relay.registry.Status;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Devices of a tenant: create (the token is in the answer, once), list, get, update, rotate and revoke tokens,
 * delete. A device's endpoint is write-only: answers only say whether it has one.
 */
public final class DeviceRoutes {

    private static final long MAX_GRACE_SECONDS = 30L * 24 * 3600;

    private final Registry registry;
    private final Duration defaultGrace;
    private final Function<String, String> urlOfToken;

    /**
     * Routes over a registry.
     *
     * @param defaultGrace how long a rotated token keeps working unless the request says
     * @param urlOfToken   the URL to give a client for a token
     */
    public DeviceRoutes(Registry registry, Duration defaultGrace, Function<String, String> urlOfToken) {
        this.registry = registry;
        this.defaultGrace = defaultGrace;
        this.urlOfToken = urlOfToken;
    }

    void mount(Router router) {
        String device = "/tenants/:tenant/devices/:device";
        router.get("/tenants/:tenant/devices").handler(this::list);
        router.post("/tenants/:tenant/devices").handler(this::create);
        router.get(device).handler(ctx -> AdminApi.respond(ctx, 200, registry.device(ctx.pathParam("tenant"),
                ctx.pathParam("device")).compose(this::json)));
        router.patch(device).handler(this::update);
        router.post(device + "/rotate").handler(this::rotate);
        router.post(device + "/revoke").handler(this::revoke);
        router.delete(device).handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        AdminApi.respond(ctx, 200, registry.devices(ctx.pathParam("tenant"), ctx.queryParams().get("cursor"),
                AdminApi.limit(ctx)).compose(this::page));
    }

    private void create(RoutingContext ctx) {
        String tenant = ctx.pathParam("tenant");
        RegistryJson body = RegistryJson.read(AdminApi.body(ctx), "id", "name", "endpoint", "policy");
        String id = body.id("id");
        String name = body.name(id);
        String endpoint = body.endpoint();
        ToolRule policy = body.policy(null);
        body.check();
        AdminApi.respond(ctx, 201, registry.createDevice(tenant, id, name, endpoint == null || endpoint.isEmpty()
                ? null : endpoint, policy).onSuccess(issued -> Audit.record(ctx, "device.create",
                        issued.device().key())).map(this::issued));
    }

    private void update(RoutingContext ctx) {
        String tenant = ctx.pathParam("tenant");
        String id = ctx.pathParam("device");
        JsonObject json = AdminApi.body(ctx);
        RegistryJson body = RegistryJson.read(json, "name", "status", "endpoint", "policy");
        String name = body.name(null);
        Status status = body.status(null);
        String endpoint = body.endpoint();
        ToolRule policy = body.policy(null);
        body.check();
        String encrypted = endpoint == null || endpoint.isEmpty() ? null : registry.encrypt(endpoint);
        AdminApi.respond(ctx, 200, registry.updateDevice(tenant, id, current -> current.with(
                name == null ? current.name() : name,
                status == null ? current.status() : status,
                endpoint == null ? current.encryptedEndpoint() : encrypted,
                json.containsKey("policy") ? policy : current.policy()))
                .onSuccess(d -> Audit.record(ctx, "device.update", d.key())).compose(this::json));
    }

    private void rotate(RoutingContext ctx) {
        RegistryJson body = RegistryJson.read(AdminApi.body(ctx), "graceSeconds");
        long grace = body.seconds("graceSeconds", defaultGrace.toSeconds(), MAX_GRACE_SECONDS);
        body.check();
        AdminApi.respond(ctx, 200, registry.rotate(ctx.pathParam("tenant"), ctx.pathParam("device"),
                Duration.ofSeconds(grace)).onSuccess(issued -> Audit.record(ctx, "device.rotate",
                        issued.device().key())).map(this::issued));
    }

    private void revoke(RoutingContext ctx) {
        AdminApi.respond(ctx, 200, registry.revoke(ctx.pathParam("tenant"), ctx.pathParam("device"))
                .onSuccess(d -> Audit.record(ctx, "device.revoke", d.key())).compose(this::json));
    }

    private void delete(RoutingContext ctx) {
        String key = Device.key(ctx.pathParam("tenant"), ctx.pathParam("device"));
        AdminApi.respond(ctx, 204, registry.deleteDevice(ctx.pathParam("tenant"), ctx.pathParam("device"))
                .onSuccess(v -> Audit.record(ctx, "device.delete", key)));
    }

    private JsonObject issued(IssuedToken issued) {
        return new JsonObject().put("device", RegistryJson.device(issued.device(), null))
                .put("token", issued.token()).put("url", urlOfToken.apply(issued.token()));
    }

    private Future<JsonObject> json(Device device) {
        return registry.lastSeen(device).map(seen -> RegistryJson.device(device, seen.orElse(null)));
    }

    private Future<JsonObject> page(Page<Device> page) {
        List<Future<JsonObject>> items = page.items().stream().map(this::json).toList();
        return Future.all(items).map(done -> new JsonObject()
                .put("items", new JsonArray(items.stream().map(Future::result).toList()))
                .put("next", page.next()));
    }
}
