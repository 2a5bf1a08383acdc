package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.RegistryChange;
import dev.xiaozhi.relay.model.ClientErrorException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The fleet view under {@code /fleet} (what the dashboard reads, cluster-wide): the fleet at a glance, a tenant's
 * devices page by page, a device, a target, and the live stream; and this node's part of it, answered for whichever
 * node serves them. Every route reads; a target's stderr lines only go to the admin role.
 */
public final class FleetRoutes {

    /** Devices per page unless asked. */
    static final int DEFAULT_PAGE = 50;

    private final FleetView view;
    private final FleetNode node;
    private final FleetStream stream;
    private MessageConsumer<JsonObject> consumer;
    private MessageConsumer<RegistryChange> registryChanges;

    /** Routes over the view, answering this node's part as {@code node}. */
    public FleetRoutes(FleetView view, FleetNode node) {
        this.view = view;
        this.node = node;
        this.stream = new FleetStream(view);
    }

    /**
     * Starts answering this node's part, following the registry (one consumer, for the view and the stream) and the
     * stream's tick, on the admin verticle's context.
     */
    Future<Void> start(Vertx vertx) {
        consumer = node.register(vertx);
        registryChanges = vertx.eventBus().consumer(EventBusAddresses.REGISTRY_CHANGED, message -> {
            view.registryChanged();
            stream.registryChanged(message.body());
        });
        return Future.all(consumer.completion(), registryChanges.completion(), stream.start(vertx)).mapEmpty();
    }

    /** Stops answering and ends the streams. */
    Future<Void> stop() {
        return consumer == null ? Future.succeededFuture()
                : Future.join(consumer.unregister(), registryChanges.unregister(), stream.stop()).mapEmpty();
    }

    void mount(Router router) {
        router.get("/fleet").handler(ctx -> AdminApi.respond(ctx, 200, view.overview(ctx.vertx())));
        router.get("/fleet/events").handler(stream);
        router.get("/fleet/tenants/:tenant/devices").handler(this::devices);
        router.get("/fleet/tenants/:tenant/devices/:device").handler(ctx -> AdminApi.respond(ctx, 200,
                view.device(ctx.vertx(), ctx.pathParam("tenant"), ctx.pathParam("device"))));
        router.get("/fleet/targets/:target").handler(ctx -> AdminApi.respond(ctx, 200,
                view.target(ctx.vertx(), ctx.pathParam("target"), !AdminAuth.readOnly(ctx))));
    }

    private void devices(RoutingContext ctx) {
        int limit = number(ctx, "limit", DEFAULT_PAGE, 1, FleetView.MAX_PAGE);
        int offset = number(ctx, "offset", 0, 0, Integer.MAX_VALUE - FleetView.MAX_PAGE);
        AdminApi.respond(ctx, 200, view.devices(ctx.vertx(), ctx.pathParam("tenant"), ctx.queryParams().get("q"),
                offset, limit));
    }

    private static int number(RoutingContext ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParams().get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ClientErrorException.invalid(Map.of(name, "expected an integer from " + min + " to " + max));
    }
}
