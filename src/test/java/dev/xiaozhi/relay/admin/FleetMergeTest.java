package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.xiaozhi.relay.ops.history.Slots;
import dev.xiaozhi.relay.ops.history.TargetSeries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies that the nodes' parts merge into the cluster's fleet: sums, the cluster's own percentiles from the
 * nodes' histograms, the longest-down pipes of every node, the worst circuit, and a node that did not answer shown
 * as such.
 */
@Timeout(10)
class FleetMergeTest {

    private static final long NOW = 1_700_000_000_000L;

    /**
     * Verifies the merge of two nodes that answered and one that did not.
     * GIVEN node a with 100 fast calls of calc (1 ms) and an open circuit, node b with 100 slow ones (100 ms), a
     * closed circuit, pipes down on both and a second behind on its clock, and node c that did not answer
     * WHEN merged
     * THEN calc has 200 calls on both nodes, its p50 between the two and its p99 the slow one, its circuit open;
     * the pipes are summed and the longest down come first; c is listed as not answering and counts nothing.
     */
    @Test
    void mergesNodesAndShowsTheSilentOne() {
        JsonObject a = part("a", 1, "open", NOW, series(100, 1));
        JsonObject b = part("b", 2, "closed", NOW - Slots.STEP_MS, series(100, 100));
        a.put("pipes", new JsonObject().put("connected", 5).put("connecting", 0).put("backoff", 1)
                .put("unauthorized", 0)).put("longestDown", new JsonArray().add(down("a", "x", NOW - 5_000)));
        b.put("pipes", new JsonObject().put("connected", 3).put("connecting", 1).put("backoff", 0)
                .put("unauthorized", 1)).put("longestDown", new JsonArray().add(down("b", "y", NOW - 60_000))
                .add(down("b", "z", NOW - 1_000)));
        JsonObject c = new JsonObject().put("node", "c").put("answering", false);
        List<JsonObject> parts = List.of(a, b, c);

        JsonArray nodes = FleetMerge.nodes(parts);
        JsonObject calc = FleetMerge.targets(parts, NOW).getJsonObject(0);
        JsonObject pipes = FleetMerge.pipes(parts);
        JsonObject rejections = FleetMerge.rejections(parts, NOW);

        assertThat(nodes.getJsonObject(2).getBoolean("answering")).isFalse();
        assertThat(nodes.getJsonObject(2).getBoolean("ready")).isFalse();
        assertThat(nodes.getJsonObject(2).getJsonObject("sessions").getInteger("websocket")).isZero();
        assertThat(FleetMerge.tenantSessions(parts).get("acme").getInteger("websocket")).isEqualTo(3);
        assertThat(calc.getJsonArray("nodes")).containsExactly("a", "b");
        assertThat(calc.getString("circuit")).isEqualTo("open");
        assertThat(calc.getJsonObject("series").getJsonArray("calls").stream().mapToLong(n -> (Long) n).sum())
                .isEqualTo(200);
        assertThat(calc.getJsonObject("series").getJsonArray("calls").getLong(Slots.COUNT - 1)).isEqualTo(100);
        assertThat(calc.getJsonObject("series").getJsonArray("calls").getLong(Slots.COUNT - 2)).isEqualTo(100);
        assertThat(calc.getDouble("p99Ms")).isCloseTo(100, within(20.0));
        assertThat(calc.getDouble("p50Ms")).isLessThan(2.0);
        assertThat(calc.getDouble("callsPerSecond")).isEqualTo(200 / 60.0, within(0.01));
        assertThat(calc.getDouble("errorRate")).isEqualTo(0.2);
        assertThat(pipes.getInteger("connected")).isEqualTo(8);
        assertThat(pipes.getInteger("unauthorized")).isEqualTo(1);
        assertThat(pipes.getJsonArray("longestDown").stream().map(p -> ((JsonObject) p).getString("device")))
                .containsExactly("y", "x", "z");
        assertThat(rejections.getLong("rateLimited")).isEqualTo(3);
        assertThat(rejections.getJsonObject("series").getJsonArray("rateLimited")).hasSize(Slots.COUNT);
    }

    /** Verifies that at most 50 pipes are listed as longest down. */
    @Test
    void boundsTheLongestDown() {
        JsonArray down = new JsonArray();
        IntStream.range(0, 80).forEach(i -> down.add(down("a", "d" + i, NOW - i)));
        JsonObject part = part("a", 0, "closed", NOW, series(0, 1)).put("longestDown", down);

        JsonArray merged = FleetMerge.pipes(List.of(part, part.copy().put("node", "b"))).getJsonArray("longestDown");

        assertThat(merged).hasSize(FleetNode.LONGEST_DOWN);
        assertThat(merged.getJsonObject(0).getString("device")).isEqualTo("d79");
    }

    private static JsonObject series(int calls, long millis) {
        TargetSeries series = new TargetSeries();
        for (int i = 0; i < calls; i++) {
            series.record(NOW, i % 5 == 0, millis * 1_000_000);
        }
        return series.snapshot(NOW);
    }

    private static JsonObject part(String node, int rateLimited, String circuit, long clock, JsonObject series) {
        long shift = (NOW - clock) / Slots.STEP_MS;
        series.put("t0", series.getLong("t0") - shift * Slots.STEP_MS);
        JsonArray limited = new JsonArray();
        IntStream.range(0, Slots.COUNT).forEach(i -> limited.add(i == Slots.COUNT - 1 ? rateLimited : 0));
        JsonArray zeros = new JsonArray();
        IntStream.range(0, Slots.COUNT).forEach(i -> zeros.add(0));
        return new JsonObject().put("node", node).put("ready", true).put("draining", false)
                .put("sessions", FleetMerge.zeros().put("websocket", 1))
                .put("tenants", new JsonObject().put("acme", FleetMerge.zeros().put("websocket", 1 + rateLimited / 2)))
                .put("targets", new JsonArray().add(new JsonObject().put("target", "calc").put("registered", true)
                        .put("type", "builtin").put("circuit", circuit).put("tools", 1).put("series", series)))
                .put("rejections", new JsonObject().put("t0", Slots.first(clock) * Slots.STEP_MS)
                        .put("rateLimited", limited).put("authFailures", zeros));
    }

    private static JsonObject down(String node, String device, long since) {
        return new JsonObject().put("tenant", "acme").put("device", device).put("node", node).put("state", "backoff")
                .put("since", since).put("lastCloseCode", 1006);
    }
}
