package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heap per idle device session, the relay beside the floor (a bare Vert.x WebSocket server with default options,
 * {@link EchoFloor}): {@code -Dsessions} sessions open and finish the Xiaozhi handshake, then stay idle while the
 * server's used heap is read after a full GC ({@code jcmd GC.heap_info}); the figure is the growth over the same
 * reading taken before they opened, after a warm-up. Both are asked with the same URL path and query (the relay's
 * token): each server keeps its upgrade request's URI for the connection's life. With {@code -Dhistogram=DIR} the
 * class histograms of both readings go to {@code DIR/<server>-before.txt} and {@code -after.txt}, to see which
 * objects a session adds. Needs a relay started here.
 */
public class IdleSessions extends Simulation {

    private final RelayUnderTest relay = Start.relay(() -> RelayUnderTest.generated("", "", ""));
    private final ChildJvm floor = Start.relay(EchoFloor::start);
    /** The floor's address with the relay's path and query: the same client, whose request both servers keep. */
    private final String floorUrl = "ws://127.0.0.1:" + Start.relay(() -> floor.awaitReady(60)).group(1)
            + URI.create(relay.deviceUrl()).getRawPath() + "?" + URI.create(relay.deviceUrl()).getRawQuery();
    private final int sessions = Load.knob("sessions", 100, 3000);
    private final Map<String, Long> heapBefore = new ConcurrentHashMap<>();
    private final Map<String, Double> perSession = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> ready = Map.of("relay", new AtomicInteger(), "floor", new AtomicInteger());

    {
        if (!relay.local()) {
            throw new IllegalStateException("IdleSessions reads the relay's heap: run it without -Durl");
        }
        PopulationBuilder floorSteps = server("floor", floorUrl, floor.pid(), null);
        PopulationBuilder all = server("relay", relay.deviceUrl(), relay.process().orElseThrow().pid(), floorSteps);
        setUp(all).protocols(http).maxDuration(Duration.ofMinutes(10))
                .assertions(global().failedRequests().count().is(0L));
    }

    private PopulationBuilder server(String name, String url, long pid, PopulationBuilder next) {
        PopulationBuilder warm = scenario("warm " + name).exec(Mcp.handshake(url)).exec(Mcp.close())
                .injectOpen(atOnceUsers(50));
        PopulationBuilder before = scenario("heap before " + name).exec(session -> {
            heapBefore.put(name, heap(pid));
            histogram(pid, name + "-before.txt");
            return session;
        }).injectOpen(atOnceUsers(1));
        PopulationBuilder idle = scenario("idle " + name).exec(Mcp.handshake(url)).exec(session -> {
            ready.get(name).incrementAndGet();
            return session;
        }).exec(asLongAs(session -> !perSession.containsKey(name)).on(pause(Duration.ofMillis(500))))
                .exec(Mcp.close()).injectOpen(rampUsers(sessions).during(Duration.ofSeconds(Load.knob(
                        "rampseconds", 2, 15))));
        // one user blocks its thread for the jcmd runs; the sessions are idle meanwhile
        PopulationBuilder measure = scenario("heap after " + name)
                .exec(asLongAs(session -> ready.get(name).get() < sessions).on(pause(Duration.ofMillis(200))))
                .exec(session -> {
                    histogram(pid, name + "-after.txt");
                    perSession.put(name, (heap(pid) - heapBefore.get(name)) / (double) sessions);
                    return session;
                }).injectOpen(atOnceUsers(1));
        return warm.andThen(before.andThen(next == null ? idle : idle.andThen(next), measure));
    }

    private static long heap(long pid) {
        return Start.relay(() -> ProcessMeter.usedHeapAfterGcKb(pid));
    }

    private static void histogram(long pid, String file) {
        String dir = Load.property("histogram", "");
        if (!dir.isEmpty()) {
            Start.relay(() -> {
                ProcessMeter.histogram(pid, Path.of(dir, file));
                return null;
            });
        }
    }

    @Override
    public void after() {
        Double ofRelay = perSession.get("relay");
        Double ofFloor = perSession.get("floor");
        if (ofRelay != null && ofFloor != null) {
            System.out.printf(Locale.ROOT, "heap per idle session, %d sessions: relay %.1f KiB, floor %.1f KiB:"
                    + " %.2fx, the relay's own share %.1f KiB%n", sessions, ofRelay, ofFloor, ofRelay / ofFloor,
                    ofRelay - ofFloor);
        }
        Start.stop(relay, floor);
    }
}
