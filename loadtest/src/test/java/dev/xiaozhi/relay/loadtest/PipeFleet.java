package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A fleet of outbound pipes: {@code -Dpipes} devices with an {@code endpoint} at a {@link FakeCloud} in this JVM,
 * declared in the relay's config, dialled at {@code -DconnectRate} per second. The cloud runs its conversation on
 * every pipe and one echo call; the run reports the time from the relay's start to all pipes connected (each once)
 * and to all served, and the relay's heap per pipe. Gatling polls the cloud until all are served
 * ({@code -DservedWithinSeconds}). With {@code -Dhistogram=DIR} the relay's class histograms with its pipes and
 * without go to {@code DIR/pipes.txt} and {@code DIR/bare.txt}.
 */
public class PipeFleet extends Simulation {

    private final int pipes = Load.knob("pipes", 50, 5000);
    private final int connectRate = Load.knob("connectRate", 200, 1000);
    private final int within = Load.knob("servedWithinSeconds", 30, 60);
    private final FakeCloud cloud = Start.relay(() -> new FakeCloud(1));
    private final RelayUnderTest relay = Start.relay(() -> RelayUnderTest.generated("",
            IntStream.range(0, pipes).mapToObj(i -> "p%d: {tokenHash: \"%s\", endpoint: \"%s\"}".formatted(i,
                    RelayUnderTest.hash("pipe-device-" + i), cloud.endpoint("agent-" + i)))
                    .collect(Collectors.joining("\n")),
            "pipes: {connectRate: %d}".formatted(connectRate)));
    private final long startedNanos = System.nanoTime();

    {
        if (!relay.local()) {
            throw new IllegalStateException("PipeFleet declares its devices in the relay's config: run it without"
                    + " -Durl");
        }
        setUp(scenario("until all served")
                .exec(asLongAs(session -> cloud.served() < pipes
                        && System.nanoTime() - startedNanos < within * 1_000_000_000L)
                        .on(pause(Duration.ofMillis(250))))
                .exec(http("all pipes served").get(cloud.httpUrl() + "/served")
                        .check(jsonPath("$.served").ofInt().is(pipes)))
                .injectOpen(atOnceUsers(1)))
                .protocols(http)
                .assertions(global().failedRequests().count().is(0L));
    }

    @Override
    public void after() {
        ChildJvm process = relay.process().orElseThrow();
        if (cloud.served() == pipes) {
            double ready = process.secondsToReady();
            double served = (cloud.lastServedNanos() - process.startedNanos()) / 1e9;
            double dialled = (cloud.lastDialledNanos() - process.startedNanos()) / 1e9;
            histogram(process.pid(), "pipes.txt");
            long heap = Start.relay(() -> ProcessMeter.usedHeapAfterGcKb(process.pid()));
            long bare = Load.full() ? Start.relay(PipeFleet::heapWithoutPipes) : 0;
            String perPipe = bare == 0 ? " (a full run gives the heap per pipe)" : String.format(Locale.ROOT,
                    ", %d KiB without pipes: %.1f KiB per pipe", bare, (heap - bare) / (double) pipes);
            System.out.printf(Locale.ROOT, "pipe fleet: %d pipes at connectRate %d: relay ready after %.1f s,"
                    + " all connected %.1f s and all served %.1f s after its start; relay heap %d KiB after a full"
                    + " GC%s%n", pipes, connectRate, ready, dialled, served, heap, perPipe);
        } else {
            System.out.printf("pipe fleet: only %d of %d pipes served within %d s%n", cloud.served(), pipes, within);
        }
        Start.stop(relay, cloud);
    }

    /** The used heap of the same node, started on its own without the pipes' devices. */
    private static long heapWithoutPipes() throws Exception {
        try (RelayUnderTest bare = RelayUnderTest.generated("", "", "")) {
            histogram(bare.process().orElseThrow().pid(), "bare.txt");
            return ProcessMeter.usedHeapAfterGcKb(bare.process().orElseThrow().pid());
        }
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
}
