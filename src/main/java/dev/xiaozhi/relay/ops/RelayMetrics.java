package dev.xiaozhi.relay.ops;

import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.ops.history.NodeHistory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The relay's own meters. Labels are bounded: targets and outcomes, never devices. What the meters count also goes
 * into the node's {@link NodeHistory}, the bounded 15 minutes behind the fleet view.
 */
public final class RelayMetrics {

    private final MeterRegistry registry;
    private final NodeHistory history = new NodeHistory();
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
    /** Per target, its call counters by outcome (ordinal), each registered on first use. */
    private final Map<String, Counter[]> calls = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, TargetState> targets = new ConcurrentHashMap<>();
    private final Map<String, List<Gauge>> targetGauges = new ConcurrentHashMap<>();
    private volatile Supplier<List<PipeStatus>> pipes = List::of;

    /**
     * How a target is doing, read when asked.
     *
     * @param type    its kind: builtin, stdio, http, openapi or provider
     * @param circuit its breaker's state: closed, half_open or open
     * @param tools   tools it has in the catalog
     */
    public record TargetState(String type, Supplier<String> circuit, IntSupplier tools) {
    }

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

    /** The node's last 15 minutes, for the fleet view. */
    public NodeHistory history() {
        return history;
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
        if ("unauthorized".equals(outcome) || "throttled".equals(outcome)) {
            history.authFailure();
        }
        handshakes.computeIfAbsent(outcome, o -> Counter.builder("relay.handshakes")
                .description("Device handshakes by outcome").tag("outcome", o).register(registry)).increment();
    }

    /** Exports a target's circuit state and tool count as gauges and for the admin port. */
    public void registerTarget(String target, TargetState state) {
        targets.put(target, state);
        targetGauges.put(target, List.of(
                Gauge.builder("relay.target.circuit.open", state, s -> "open".equals(s.circuit().get()) ? 1 : 0)
                        .description("1 while the target's circuit breaker is open").tag("target", target)
                        .register(registry),
                Gauge.builder("relay.target.tools", state, s -> s.tools().getAsInt())
                        .description("Tools the target has in the catalog").tag("target", target)
                        .register(registry)));
    }

    /** A target stopped on this node (it moved to another one, or the node stops). */
    public void unregisterTarget(String target) {
        targets.remove(target);
        targetGauges.getOrDefault(target, List.of()).forEach(registry::remove);
        targetGauges.remove(target);
    }

    /** Exports the number of outbound pipes in each state. */
    public void registerPipes(Supplier<List<PipeStatus>> pipes) {
        this.pipes = pipes;
        for (PipeState state : PipeState.values()) {
            Gauge.builder("relay.pipes", pipes, p -> p.get().stream().filter(s -> s.state() == state).count())
                    .description("Outbound pipes by state").tag("state", state.label()).register(registry);
        }
    }

    /** The status of every outbound pipe. */
    public List<PipeStatus> pipes() {
        return pipes.get();
    }

    /** Every registered target's state, by name. */
    public Map<String, TargetState> targets() {
        return Map.copyOf(targets);
    }

    /**
     * A tool call (or another request for a target) of a device ended; its outcome's {@link CallOutcome#tag() tag}
     * labels the count. In the history it counts as an error of the target unless it is ok, a tool's own error or
     * cancelled.
     *
     * @param tenant the caller's tenant, or null
     * @param device the caller, or null
     */
    public void call(String target, String tenant, String device, CallOutcome outcome, long nanos) {
        history.call(target, tenant, device, outcome.tag(), outcome != CallOutcome.OK
                && outcome != CallOutcome.TOOL_ERROR && outcome != CallOutcome.CANCELLED, nanos);
        Counter[] byOutcome = calls.computeIfAbsent(target, t -> new Counter[CallOutcome.values().length]);
        Counter counter = byOutcome[outcome.ordinal()];
        if (counter == null) {
            // two threads may both register it: the registry hands both the same counter
            counter = Counter.builder("relay.tool.calls").description("Tool calls by target and outcome")
                    .tags("target", target, "outcome", outcome.tag()).register(registry);
            byOutcome[outcome.ordinal()] = counter;
        }
        counter.increment();
        latencies.computeIfAbsent(target, t -> Timer.builder("relay.tool.call.duration")
                .description("Tool call latency by target").tag("target", t)
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
