package dev.xiaozhi.relay.ops.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies that the node's rings hold what happened, line up on the epoch's slots, and stay bounded. */
@Timeout(10)
class NodeHistoryTest {

    /**
     * Verifies that a target's series counts calls and errors in their slot, forgets slots older than 15 minutes, and
     * reads percentiles within a fifth of the latencies recorded.
     */
    @Test
    void countsCallsPerSlot() {
        TargetSeries series = new TargetSeries();
        long now = 1_000_000_000_000L;
        series.record(now - Slots.SPAN_MS - 1, true, 1_000_000);
        for (int i = 1; i <= 100; i++) {
            series.record(now, i == 1, i * 1_000_000L);
        }
        series.record(now - Slots.STEP_MS, false, 5_000_000);

        JsonObject snapshot = series.snapshot(now);
        JsonArray calls = snapshot.getJsonArray("calls");
        long[] histogram = new long[LatencyBuckets.COUNT];
        JsonArray sparse = snapshot.getJsonArray("latency").getJsonArray(Slots.COUNT - 1);
        for (int k = 0; k < sparse.size(); k += 2) {
            histogram[sparse.getInteger(k)] = sparse.getLong(k + 1);
        }

        assertThat(snapshot.getLong("t0")).isEqualTo(Slots.first(now) * Slots.STEP_MS);
        assertThat(calls).hasSize(Slots.COUNT);
        assertThat(calls.getLong(Slots.COUNT - 1)).isEqualTo(100);
        assertThat(calls.getLong(Slots.COUNT - 2)).isEqualTo(1);
        assertThat(calls.stream().mapToLong(c -> (Long) c).sum()).isEqualTo(101);
        assertThat(snapshot.getJsonArray("errors").getLong(Slots.COUNT - 1)).isEqualTo(1);
        assertThat(LatencyBuckets.percentile(histogram, 0.5)).isCloseTo(50, within(10.0));
        assertThat(LatencyBuckets.percentile(histogram, 0.99)).isCloseTo(99, within(20.0));
    }

    /**
     * Verifies that recording a call allocates nothing once its target and device are known: the counters and rings
     * are fixed arrays.
     */
    @Test
    void recordsCallsWithoutAllocating() {
        NodeHistory history = new NodeHistory();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) {
            history.call("calc", "acme", "kitchen", "ok", i % 7 == 0, i * 1_000L);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            history.call("calc", "acme", "kitchen", "ok", i % 7 == 0, i * 1_000L);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("100,000 recorded calls allocated %d bytes%n", allocated);

        assertThat(allocated).as("bytes allocated by 100,000 calls").isLessThan(10_000);
    }

    /** Verifies that a device keeps its last 50 calls, newest first, and the devices kept are bounded. */
    @Test
    void boundsDevicesAndTheirCalls() {
        DeviceActivities devices = new DeviceActivities(100);
        for (int i = 0; i < 1_000; i++) {
            devices.of("acme", "d" + i).call(i, "calc", "ok", 1_000);
        }
        DeviceActivity busy = devices.of("acme", "busy");
        for (int i = 0; i < 80; i++) {
            busy.call(10_000 + i, "calc", i % 2 == 0 ? "ok" : "timeout", 2_000_000);
        }

        JsonArray calls = busy.calls();
        assertThat(devices.size()).isLessThanOrEqualTo(100);
        assertThat(devices.find("acme", "d999")).isNotNull();
        assertThat(devices.find("acme", "d0")).isNull();
        assertThat(calls).hasSize(DeviceActivity.CALLS);
        assertThat(calls.getJsonObject(0).getLong("at")).isEqualTo(10_079);
        assertThat(calls.getJsonObject(0).getString("outcome")).isEqualTo("timeout");
        assertThat(calls.getJsonObject(0).getDouble("ms")).isEqualTo(2.0);
    }

    /** Verifies that a pipe's history keeps its last state changes with close codes, and when it went down. */
    @Test
    void keepsPipeHistory() {
        DeviceActivity device = new DeviceActivity();
        device.pipe(100, "connecting", -1, "");
        device.pipe(200, "connected", -1, "");
        device.pipe(300, "backoff", 1006, "closed");
        device.pipe(400, "connecting", 1006, "closed");
        for (int i = 0; i < 30; i++) {
            device.pipe(500 + i, i % 2 == 0 ? "backoff" : "connecting", 1006, "closed");
        }

        assertThat(device.pipeHistory()).hasSize(DeviceActivity.PIPE_EVENTS);
        assertThat(device.pipeHistory().getJsonObject(0).getInteger("closeCode")).isEqualTo(1006);
        assertThat(device.pipeDownSince()).isEqualTo(300);
        assertThat(device.pipeSince()).isEqualTo(529);
        assertThat(device.lastSeen()).isEqualTo(200);
    }

    /** Verifies that breaker transitions and restarts are bounded per target and read newest first. */
    @Test
    void boundsTransitionsAndRestarts() {
        NodeHistory history = new NodeHistory();
        for (int i = 0; i < 100; i++) {
            history.breaker("calc", i % 2 == 0 ? "closed" : "open", i % 2 == 0 ? "open" : "closed");
        }
        history.restart("calc", 1, List.of("first"));
        history.restart("calc", 2, List.of("second"));

        long now = System.currentTimeMillis();
        assertThat(history.breakerTransitions("calc", now)).hasSize(NodeHistory.BREAKER_EVENTS);
        assertThat(history.breakerTransitions("calc", now).getJsonObject(0).getString("to")).isEqualTo("closed");
        assertThat(history.restarts("calc", now).getJsonObject(0).getInteger("exitCode")).isEqualTo(2);
        assertThat(history.restarts("other", now)).isEmpty();
    }

    /** Verifies that session events are read after a number, and only the last ones are kept. */
    @Test
    void numbersSessionEvents() {
        SessionEvents events = new SessionEvents();
        events.add("acme", "kitchen", "websocket", true);
        JsonObject start = events.after(-1);
        for (int i = 0; i < 300; i++) {
            events.add("acme", "d" + i, "pipe", i % 2 == 0);
        }

        assertThat(start.getLong("last")).isEqualTo(1);
        assertThat(start.getJsonArray("events")).isEmpty();
        assertThat(events.after(299).getJsonArray("events")).hasSize(2);
        assertThat(events.after(1).getJsonArray("events")).hasSize(SessionEvents.CAPACITY);
        assertThat(events.after(300).getJsonArray("events").getJsonObject(0).getString("device")).isEqualTo("d299");
    }
}
