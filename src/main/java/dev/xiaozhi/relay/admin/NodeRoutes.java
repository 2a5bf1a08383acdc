package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.front.LiveSessions;
import dev.xiaozhi.relay.ops.RelayMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.TreeMap;

/** What this node runs: its device sessions, its outbound pipes, and its targets with breaker state and tools. */
public final class NodeRoutes {

    private final LiveSessions sessions;
    private final RelayMetrics metrics;

    /** Routes over the node's sessions and metrics. */
    public NodeRoutes(LiveSessions sessions, RelayMetrics metrics) {
        this.sessions = sessions;
        this.metrics = metrics;
    }

    void mount(Router router) {
        router.get("/sessions").handler(ctx -> ctx.json(new JsonObject().put("items", new JsonArray(
                sessions.list().stream().map(s -> new JsonObject().put("tenant", s.tenant()).put("device", s.device())
                        .put("front", s.front().label()).put("remote", s.remote())
                        .put("openedAt", s.openedAt().toString()))
                        .toList()))));
        router.get("/pipes").handler(ctx -> ctx.json(new JsonObject().put("items", new JsonArray(
                metrics.pipes().stream().map(JsonObject::mapFrom).toList()))));
        router.get("/targets").handler(ctx -> {
            JsonArray targets = new JsonArray();
            new TreeMap<>(metrics.targets()).forEach((name, state) -> targets.add(new JsonObject().put("name", name)
                    .put("circuit", state.circuit().get()).put("tools", state.tools().getAsInt())));
            ctx.json(new JsonObject().put("items", targets));
        });
    }
}
