package dev.xiaozhi.relay.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay's own meters. Labels are bounded: targets and outcomes, never devices.
 */
public final class RelayMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

    /** Registers the meters in {@code registry}. */
    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("relay.sessions.open", openSessions, AtomicInteger::get)
                .description("Device sessions open on this node").register(registry);
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** A session opened. */
    public void sessionOpened() {
        openSessions.incrementAndGet();
    }

    /** A session closed. */
    public void sessionClosed() {
        openSessions.decrementAndGet();
    }

    /** Sessions open now. */
    public int openSessions() {
        return openSessions.get();
    }

    /** A device handshake ended with an outcome such as {@code accepted} or {@code unauthorized}. */
    public void handshake(String outcome) {
        handshakes.computeIfAbsent(outcome, o -> Counter.builder("relay.handshakes")
                .description("Device handshakes by outcome").tag("outcome", o).register(registry)).increment();
    }

    /** A tool call ended; {@code outcome} is one of ok, tool_error, busy, unavailable, timeout, failed. */
    public void call(String target, String outcome, long nanos) {
        calls.computeIfAbsent(target + '\n' + outcome, key -> Counter.builder("relay.tool.calls")
                .description("Tool calls by target and outcome")
                .tags("target", target, "outcome", outcome).register(registry)).increment();
        latencies.computeIfAbsent(target, t -> Timer.builder("relay.tool.call.duration")
                .description("Tool call latency by target").tag("target", t)
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
