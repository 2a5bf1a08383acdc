package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.registry.Device;
import dev.xiaozhi.relay.registry.Registry;
import dev.xiaozhi.relay.registry.Status;
import dev.xiaozhi.relay.registry.Tenant;
import dev.xiaozhi.relay.routing.CatalogEntry;
import dev.xiaozhi.relay.routing.NodeCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The fleet view's answers, cluster-wide from whichever node serves them: the registry's tenants and devices joined
 * with what every node reports of its part ({@link FleetGather}, {@link FleetNode}), merged ({@link FleetMerge}).
 */
public final class FleetView {

    /** The most devices a page may ask for. */
    static final int MAX_PAGE = 200;
    /** Items kept of merged histories. */
    static final int MAX_ITEMS = 50;

    private final Registry registry;
    private final FleetGather gather;
    private final NodeCatalog catalog;
    private final FleetDevices devices;

    /** A view over the registry, the nodes and this node's catalog. */
    public FleetView(Registry registry, FleetGather gather, NodeCatalog catalog) {
        this.registry = registry;
        this.gather = gather;
        this.catalog = catalog;
        this.devices = new FleetDevices(registry);
    }

    /** The registry changed: devices are read from it again. */
    void registryChanged() {
        devices.changed();
    }

    /** {@code GET /fleet}. */
    Future<JsonObject> overview(Vertx vertx) {
        return overview(vertx, node -> new JsonObject().put("part", FleetNode.OVERVIEW)).map(Overview::json);
    }

    /**
     * The fleet with the nodes' raw parts (which carry the sessions opened and closed since the number asked for).
     *
     * @param requestFor the overview request for a node, by its short name
     */
    Future<Overview> overview(Vertx vertx, Function<String, JsonObject> requestFor) {
        long now = System.currentTimeMillis();
        Future<List<JsonObject>> parts = gather.ask(vertx, requestFor);
        Future<List<Tenant>> tenants = registry.tenants(null, Integer.MAX_VALUE).map(page -> page.items());
        Future<Map<String, List<Device>>> byTenant = devices.byTenant();
        return Future.all(parts, tenants, byTenant).map(done -> {
            Map<String, JsonObject> sessions = FleetMerge.tenantSessions(parts.result());
            JsonArray tenantRows = new JsonArray();
            for (Tenant tenant : tenants.result()) {
                tenantRows.add(new JsonObject().put("tenant", tenant.id())
                        .put("devices", byTenant.result().getOrDefault(tenant.id(), List.of()).size())
                        .put("maxDevices", tenant.limits().maxDevices())
                        .put("sessions", sessions.getOrDefault(tenant.id(), FleetMerge.zeros())));
            }
            JsonObject json = new JsonObject().put("at", now).put("nodes", FleetMerge.nodes(parts.result()))
                    .put("tenants", tenantRows).put("pipes", FleetMerge.pipes(parts.result()))
                    .put("targets", FleetMerge.targets(parts.result(), now))
                    .put("rejections", FleetMerge.rejections(parts.result(), now));
            return new Overview(json, parts.result());
        });
    }

    /**
     * The fleet and the nodes' parts it was made of.
     *
     * @param json  the {@code GET /fleet} answer
     * @param parts each node's part
     */
    public record Overview(JsonObject json, List<JsonObject> parts) {
    }

    /** {@code GET /fleet/tenants/:tenant/devices}: a page of devices by id, matching {@code q}; 404 unknown tenant. */
    Future<JsonObject> devices(Vertx vertx, String tenant, String query, int offset, int limit) {
        String needle = query == null ? "" : query.toLowerCase(Locale.ROOT);
        return registry.tenant(tenant).compose(known -> devices.byTenant()).compose(byTenant -> {
            List<Device> all = byTenant.getOrDefault(tenant, List.of());
            List<Device> matching = needle.isEmpty() ? all : all.stream()
                    .filter(d -> d.id().toLowerCase(Locale.ROOT).contains(needle)
                            || d.name() != null && d.name().toLowerCase(Locale.ROOT).contains(needle))
                    .toList();
            List<Device> page = matching.subList(Math.min(offset, matching.size()),
                    Math.min(matching.size(), offset + limit));
            JsonArray ids = new JsonArray(page.stream().map(Device::id).map(Object.class::cast).toList());
            Future<List<JsonObject>> parts = gather.ask(vertx, new JsonObject().put("part", FleetNode.DEVICES)
                    .put("tenant", tenant).put("devices", ids));
            List<Future<Optional<Long>>> seen = page.stream().map(registry::lastSeen).toList();
            return Future.join(parts, Future.join(new ArrayList<>(seen))).otherwiseEmpty().map(done -> {
                JsonArray rows = new JsonArray();
                for (int i = 0; i < page.size(); i++) {
                    Future<Optional<Long>> lastSeen = seen.get(i);
                    rows.add(deviceRow(page.get(i), parts.result(), lastSeen.succeeded()
                            ? lastSeen.result().orElse(null) : null));
                }
                return new JsonObject().put("tenant", tenant).put("total", matching.size()).put("offset", offset)
                        .put("limit", limit).put("devices", rows);
            });
        });
    }

    private static JsonObject deviceRow(Device device, List<JsonObject> parts, Long registrySeen) {
        JsonArray fronts = new JsonArray();
        JsonObject pipe = null;
        Long lastSeen = registrySeen;
        for (JsonObject part : FleetMerge.answered(parts)) {
            JsonObject known = part.getJsonObject("devices", new JsonObject()).getJsonObject(device.id());
            if (known == null) {
                continue;
            }
            known.getJsonArray("fronts").forEach(front -> {
                if (!fronts.contains(front)) {
                    fronts.add(front);
                }
            });
            if (known.getJsonObject("pipe") != null) {
                pipe = known.getJsonObject("pipe");
            }
            Long seen = known.getLong("lastSeen");
            if (seen != null && (lastSeen == null || seen > lastSeen)) {
                lastSeen = seen;
            }
        }
        return new JsonObject().put("device", device.id()).put("name", device.name())
                .put("status", status(device.status())).put("online", !fronts.isEmpty()).put("lastSeen", lastSeen)
                .put("fronts", fronts).put("pipe", pipe).put("policy", policy(device.policy()));
    }

    /** {@code GET /fleet/tenants/:tenant/devices/:device}; 404 for an unknown device. */
    Future<JsonObject> device(Vertx vertx, String tenant, String id) {
        return registry.device(tenant, id).compose(device -> {
            Future<Optional<Long>> seen = registry.lastSeen(device).otherwise(Optional.empty());
            Future<List<JsonObject>> parts = gather.ask(vertx, new JsonObject().put("part", FleetNode.DEVICE)
                    .put("tenant", tenant).put("device", id));
            return Future.all(seen, parts).map(done -> {
                Long lastSeen = seen.result().orElse(null);
                JsonArray sessions = new JsonArray();
                List<JsonObject> pipeHistory = new ArrayList<>();
                List<JsonObject> calls = new ArrayList<>();
                for (JsonObject part : FleetMerge.answered(parts.result())) {
                    sessions.addAll(part.getJsonArray("sessions", new JsonArray()));
                    part.getJsonArray("pipeHistory", new JsonArray()).forEach(e -> pipeHistory.add((JsonObject) e));
                    part.getJsonArray("recentCalls", new JsonArray()).forEach(e -> calls.add((JsonObject) e));
                    Long nodeSeen = part.getLong("lastSeen");
                    if (nodeSeen != null && (lastSeen == null || nodeSeen > lastSeen)) {
                        lastSeen = nodeSeen;
                    }
                }
                return new JsonObject().put("tenant", tenant).put("device", id).put("name", device.name())
                        .put("status", status(device.status())).put("online", !sessions.isEmpty())
                        .put("lastSeen", lastSeen).put("sessions", sessions)
                        .put("pipeHistory", newestFirst(pipeHistory)).put("recentCalls", newestFirst(calls))
                        .put("unanswered", unanswered(parts.result()));
            });
        });
    }

    /**
     * {@code GET /fleet/targets/:target}: its kind, worst circuit, tools, breaker transitions and restarts; the
     * restarts' stderr lines only with {@code withStderr} (the admin role); 404 for a target no node runs.
     */
    Future<JsonObject> target(Vertx vertx, String target, boolean withStderr) {
        return gather.ask(vertx, new JsonObject().put("part", FleetNode.TARGET).put("target", target)).compose(all -> {
            List<JsonObject> parts = FleetMerge.answered(all);
            List<String> tools = tools(target);
            List<JsonObject> breaker = new ArrayList<>();
            List<JsonObject> restarts = new ArrayList<>();
            List<String> circuits = new ArrayList<>();
            JsonArray nodes = new JsonArray();
            String type = null;
            for (JsonObject part : parts) {
                if (part.getBoolean("registered", false)) {
                    nodes.add(part.getString("node"));
                    circuits.add(part.getString("circuit"));
                    type = part.getString("type");
                }
                part.getJsonArray("breaker", new JsonArray()).forEach(e -> breaker.add((JsonObject) e));
                part.getJsonArray("restarts", new JsonArray()).forEach(e -> {
                    JsonObject restart = (JsonObject) e;
                    if (!withStderr) {
                        restart.remove("stderr");
                    }
                    restarts.add(restart);
                });
            }
            if (nodes.isEmpty() && tools.isEmpty() && breaker.isEmpty() && restarts.isEmpty()) {
                return Future.failedFuture(ClientErrorException.notFound("target " + target));
            }
            String circuit = circuits.contains("open") ? "open" : circuits.contains("half_open") ? "half_open"
                    : nodes.isEmpty() ? "stopped" : "closed";
            return Future.succeededFuture(new JsonObject().put("target", target).put("type", type)
                    .put("nodes", nodes).put("circuit", circuit).put("tools", new JsonArray(tools))
                    .put("breaker", newestFirst(breaker)).put("restarts", newestFirst(restarts))
                    .put("unanswered", unanswered(all)));
        });
    }

    /** The names of the nodes that did not answer. */
    private static JsonArray unanswered(List<JsonObject> parts) {
        return new JsonArray(parts.stream().filter(p -> !FleetMerge.answering(p)).map(p -> p.getValue("node"))
                .toList());
    }

    /** The status as the page shows it: enabled or disabled. */
    static String status(Status status) {
        return status == Status.ACTIVE ? "enabled" : "disabled";
    }

    private static JsonObject policy(ToolRule rule) {
        return rule == null ? null : new JsonObject().put("tools", new JsonArray(rule.allowTools()))
                .put("denyTools", new JsonArray(rule.denyTools()));
    }

    /** Sorts history items newest first and keeps {@value #MAX_ITEMS}. */
    static JsonArray newestFirst(List<JsonObject> items) {
        List<JsonObject> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingLong((JsonObject item) -> item.getLong("at")).reversed());
        return new JsonArray(new ArrayList<>(sorted.subList(0, Math.min(MAX_ITEMS, sorted.size()))));
    }

    /** The tool names a target offers in this node's catalog (upstream names). */
    List<String> tools(String target) {
        return catalog.current().tools().stream().filter(e -> e.target().equals(target))
                .map(CatalogEntry::upstream).sorted().toList();
    }
}
