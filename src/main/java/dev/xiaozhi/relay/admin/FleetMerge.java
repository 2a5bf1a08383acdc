package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.ops.history.LatencyBuckets;
import dev.xiaozhi.relay.ops.history.Slots;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the nodes' parts of the fleet view ({@link FleetNode}) into the cluster's: sessions and pipes summed, the
 * longest-down pipes of all nodes, each target's series summed slot by slot (its latency histograms too, so that p50
 * and p99 are the cluster's, not an average of the nodes'), and the rejections. Pure: no I/O.
 */
final class FleetMerge {

    /** The slots that make "the last minute". */
    static final int LAST_MINUTE_SLOTS = 6;

    private static final List<String> CIRCUITS_WORST_FIRST = List.of("open", "half_open", "closed");

    private FleetMerge() {
    }

    /** Whether a node's part came back. */
    static boolean answering(JsonObject part) {
        return part.getBoolean("answering", true);
    }

    /** {@code nodes}: per node its name, whether it answered, its readiness and its sessions by front. */
    static JsonArray nodes(List<JsonObject> parts) {
        JsonArray nodes = new JsonArray();
        for (JsonObject part : parts) {
            boolean answering = answering(part);
            nodes.add(new JsonObject().put("node", part.getString("node")).put("answering", answering)
                    .put("ready", answering && part.getBoolean("ready", false))
                    .put("draining", answering && part.getBoolean("draining", false))
                    .put("sessions", answering ? part.getJsonObject("sessions") : zeros()));
        }
        return nodes;
    }

    /** Per tenant, its sessions by front summed over the nodes. */
    static Map<String, JsonObject> tenantSessions(List<JsonObject> parts) {
        Map<String, JsonObject> byTenant = new TreeMap<>();
        for (JsonObject part : answered(parts)) {
            part.getJsonObject("tenants", new JsonObject()).forEach(entry -> add(byTenant.computeIfAbsent(
                    entry.getKey(), t -> zeros()), (JsonObject) entry.getValue()));
        }
        return byTenant;
    }

    /** {@code pipes}: counts by state and the {@value FleetNode#LONGEST_DOWN} longest down, longest first. */
    static JsonObject pipes(List<JsonObject> parts) {
        JsonObject pipes = new JsonObject().put("connected", 0).put("connecting", 0).put("backoff", 0)
                .put("unauthorized", 0);
        List<JsonObject> down = new ArrayList<>();
        for (JsonObject part : answered(parts)) {
            add(pipes, part.getJsonObject("pipes", new JsonObject()));
            part.getJsonArray("longestDown", new JsonArray()).forEach(p -> down.add((JsonObject) p));
        }
        down.sort(Comparator.comparingLong(p -> p.getLong("since")));
        return pipes.put("longestDown", new JsonArray(new ArrayList<>(down.subList(0,
                Math.min(down.size(), FleetNode.LONGEST_DOWN)))));
    }

    /** {@code targets}: per target where it runs, its worst circuit, tools, last minute's rates and its series. */
    static JsonArray targets(List<JsonObject> parts, long now) {
        long first = Slots.first(now);
        Map<String, Merged> byName = new TreeMap<>();
        for (JsonObject part : answered(parts)) {
            for (Object item : part.getJsonArray("targets", new JsonArray())) {
                JsonObject target = (JsonObject) item;
                Merged merged = byName.computeIfAbsent(target.getString("target"), Merged::new);
                if (target.getBoolean("registered", false)) {
                    merged.nodes.add(part.getString("node"));
                    merged.type = target.getString("type");
                    merged.tools = Math.max(merged.tools, target.getInteger("tools", 0));
                    merged.circuits.add(target.getString("circuit"));
                }
                JsonObject series = target.getJsonObject("series");
                if (series != null) {
                    merged.add(series, first);
                }
            }
        }
        JsonArray targets = new JsonArray();
        byName.values().stream().filter(m -> !m.nodes.isEmpty()).forEach(m -> targets.add(m.json(first)));
        return targets;
    }

    /** {@code rejections}: the last 15 minutes' totals and series, summed over the nodes. */
    static JsonObject rejections(List<JsonObject> parts, long now) {
        long first = Slots.first(now);
        long[] rateLimited = new long[Slots.COUNT];
        long[] authFailures = new long[Slots.COUNT];
        for (JsonObject part : answered(parts)) {
            JsonObject rejections = part.getJsonObject("rejections");
            if (rejections != null) {
                long shift = shift(rejections, first);
                addShifted(rateLimited, rejections.getJsonArray("rateLimited"), shift);
                addShifted(authFailures, rejections.getJsonArray("authFailures"), shift);
            }
        }
        return new JsonObject().put("rateLimited", sum(rateLimited)).put("authFailures", sum(authFailures))
                .put("series", new JsonObject().put("t0", first * Slots.STEP_MS).put("stepMs", Slots.STEP_MS)
                        .put("rateLimited", array(rateLimited)).put("authFailures", array(authFailures)));
    }

    /** The parts of the nodes that answered. */
    static List<JsonObject> answered(List<JsonObject> parts) {
        return parts.stream().filter(FleetMerge::answering).toList();
    }

    /** Zero sessions of every counted front. */
    static JsonObject zeros() {
        JsonObject counts = new JsonObject();
        FleetNode.COUNTED.forEach(front -> counts.put(front.label(), 0));
        return counts;
    }

    private static void add(JsonObject into, JsonObject counts) {
        counts.forEach(entry -> {
            if (entry.getValue() instanceof Number n) {
                into.put(entry.getKey(), into.getLong(entry.getKey(), 0L) + n.longValue());
            }
        });
    }

    /** How many slots a node's series starts after the merged one (its clock may be a slot off). */
    private static long shift(JsonObject series, long first) {
        return series.getLong("t0") / Slots.STEP_MS - first;
    }

    private static void addShifted(long[] into, JsonArray values, long shift) {
        for (int i = 0; i < values.size(); i++) {
            long at = i + shift;
            if (at >= 0 && at < into.length) {
                into[(int) at] += values.getLong(i);
            }
        }
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += value;
        }
        return total;
    }

    private static JsonArray array(long[] values) {
        JsonArray out = new JsonArray();
        for (long value : values) {
            out.add(value);
        }
        return out;
    }

    private static JsonArray array(double[] values) {
        JsonArray out = new JsonArray();
        for (double value : values) {
            out.add(value);
        }
        return out;
    }

    /** One target being merged. */
    private static final class Merged {

        final String name;
        final List<String> nodes = new ArrayList<>();
        final List<String> circuits = new ArrayList<>();
        final long[] calls = new long[Slots.COUNT];
        final long[] errors = new long[Slots.COUNT];
        final long[][] latency = new long[Slots.COUNT][LatencyBuckets.COUNT];
        String type;
        int tools;

        Merged(String name) {
            this.name = name;
        }

        void add(JsonObject series, long first) {
            long shift = shift(series, first);
            addShifted(calls, series.getJsonArray("calls"), shift);
            addShifted(errors, series.getJsonArray("errors"), shift);
            JsonArray histograms = series.getJsonArray("latency");
            for (int i = 0; i < histograms.size(); i++) {
                long at = i + shift;
                JsonArray sparse = histograms.getJsonArray(i);
                if (at < 0 || at >= Slots.COUNT) {
                    continue;
                }
                for (int k = 0; k + 1 < sparse.size(); k += 2) {
                    int bucket = sparse.getInteger(k);
                    if (bucket >= 0 && bucket < LatencyBuckets.COUNT) {
                        latency[(int) at][bucket] += sparse.getLong(k + 1);
                    }
                }
            }
        }

        JsonObject json(long first) {
            double[] p50 = new double[Slots.COUNT];
            double[] p99 = new double[Slots.COUNT];
            long[] lastMinute = new long[LatencyBuckets.COUNT];
            long recentCalls = 0;
            long recentErrors = 0;
            for (int i = 0; i < Slots.COUNT; i++) {
                p50[i] = LatencyBuckets.percentile(latency[i], 0.5);
                p99[i] = LatencyBuckets.percentile(latency[i], 0.99);
                if (i >= Slots.COUNT - LAST_MINUTE_SLOTS) {
                    recentCalls += calls[i];
                    recentErrors += errors[i];
                    for (int b = 0; b < LatencyBuckets.COUNT; b++) {
                        lastMinute[b] += latency[i][b];
                    }
                }
            }
            String circuit = CIRCUITS_WORST_FIRST.stream().filter(circuits::contains).findFirst().orElse("closed");
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("target", name);
            json.put("type", type);
            json.put("nodes", new JsonArray(nodes));
            json.put("circuit", circuit);
            json.put("tools", tools);
            json.put("callsPerSecond", Math.round(recentCalls * 1000.0 / (LAST_MINUTE_SLOTS * Slots.STEP_MS) * 100)
                    / 100.0);
            json.put("errorRate", recentCalls == 0 ? 0.0 : Math.round(recentErrors * 10_000.0 / recentCalls)
                    / 10_000.0);
            json.put("p50Ms", LatencyBuckets.percentile(lastMinute, 0.5));
            json.put("p99Ms", LatencyBuckets.percentile(lastMinute, 0.99));
            json.put("series", new JsonObject().put("t0", first * Slots.STEP_MS).put("stepMs", Slots.STEP_MS)
                    .put("calls", array(calls)).put("errors", array(errors)).put("p50Ms", array(p50))
                    .put("p99Ms", array(p99)));
            return new JsonObject(json);
        }
    }
}
