package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The relay's cost as ratios to the floor ({@link EchoFloor}), in the same run with the same client: interleaved
 * rounds of {@code -Dcallers} sessions making {@code -Dcalls} sequential echo calls each, against the relay
 * ({@code diagnostics___echo} through the whole path) and against the floor, after {@code -DwarmRounds} of each
 * (the relay's deeper path takes longer to compile than the floor's: 3 in a full run). Reports
 * per round and in sum: CPU per call (each server process's own CPU time over its round), calls/s, p50 and p99.
 */
public class Floor extends Simulation {

    private static final String RELAY = "relay";
    private static final String FLOOR = "floor";

    private final RelayUnderTest relay = Start.relay(() -> RelayUnderTest.generated("", "", ""));
    private final ChildJvm floor = Start.relay(EchoFloor::start);
    private final String floorUrl = "ws://127.0.0.1:" + Start.relay(() -> floor.awaitReady(60)).group(1) + "/mcp";
    private final int callers = Load.knob("callers", 10, 50);
    private final int calls = Load.knob("calls", 50, 1000);
    private final int roundCount = Load.knob("rounds", 1, 6);
    private final Rounds rounds = new Rounds(Map.of(RELAY, () -> relay.process().map(ChildJvm::cpuNanos).orElse(0L),
            FLOOR, floor::cpuNanos));

    {
        List<PopulationBuilder> steps = new ArrayList<>();
        for (int i = 1; i <= Load.knob("warmRounds", 1, 3); i++) {
            round(steps, "warm relay " + i, RELAY);
            round(steps, "warm floor " + i, FLOOR);
        }
        for (int i = 1; i <= roundCount; i++) {
            boolean relayFirst = i % 2 == 1;
            round(steps, (relayFirst ? RELAY : FLOOR) + " " + i, relayFirst ? RELAY : FLOOR);
            round(steps, (relayFirst ? FLOOR : RELAY) + " " + i, relayFirst ? FLOOR : RELAY);
        }
        PopulationBuilder chain = steps.get(steps.size() - 1);
        for (int i = steps.size() - 2; i >= 0; i--) {
            chain = steps.get(i).andThen(chain);
        }
        setUp(chain).protocols(http).assertions(global().failedRequests().count().is(0L));
    }

    private void round(List<PopulationBuilder> steps, String name, String server) {
        String url = server.equals(RELAY) ? relay.deviceUrl() : floorUrl;
        String tool = server.equals(RELAY) ? relay.tool("diagnostics___echo") : "echo";
        steps.add(scenario(name).exec(Mcp.handshake(url)).exec(session -> {
            rounds.callerStarts(name, server);
            return session;
        }).exec(repeat(calls).on(
                exec(session -> session.set("sentAt", System.nanoTime()))
                        .exec(Mcp.call(server + " call", tool, Mcp.argumentsFor("echo")))
                        .exec(session -> {
                            rounds.record(name, System.nanoTime() - session.getLong("sentAt"));
                            return session;
                        }))).exec(session -> {
                            rounds.callerEnds(name, callers);
                            return session;
                        }).exec(Mcp.close()).injectOpen(atOnceUsers(callers)));
    }

    @Override
    public void after() {
        try {
            report();
        } catch (IOException e) {
            System.err.println("could not write the floor report: " + e);
        } finally {
            Start.stop(relay, floor);
        }
    }

    private void report() throws IOException {
        List<Rounds.Round> ofRelay = rounds.of(RELAY);
        List<Rounds.Round> ofFloor = rounds.of(FLOOR);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "floor comparison: %d sessions x %d sequential echo calls per round%n"
                        + "%-7s %-6s %10s %12s %9s %9s%n", callers, calls, "round", "server", "calls/s", "CPU us/call",
                "p50 ms", "p99 ms"));
        List<double[]> ratios = new ArrayList<>();
        for (int i = 0; i < ofRelay.size(); i++) {
            Rounds.Round r = ofRelay.get(i);
            Rounds.Round f = ofFloor.get(i);
            line(out, i + 1, RELAY, r);
            line(out, i + 1, FLOOR, f);
            ratios.add(new double[] {r.cpuMicrosPerCall() / f.cpuMicrosPerCall(),
                r.callsPerSecond() / f.callsPerSecond(), r.percentileMillis(0.5) / f.percentileMillis(0.5),
                r.percentileMillis(0.99) / f.percentileMillis(0.99)});
        }
        double bestCpu = ofRelay.stream().mapToDouble(Rounds.Round::cpuMicrosPerCall).min().orElse(0)
                / ofFloor.stream().mapToDouble(Rounds.Round::cpuMicrosPerCall).min().orElse(1);
        out.append(String.format(Locale.ROOT, "relay / floor: CPU per call %.2fx (best rounds), %.2fx (median round);"
                + " calls/s %.2fx; p50 %.2fx; p99 %.2fx (medians of %d interleaved rounds)%n", bestCpu,
                median(ratios, 0), median(ratios, 1), median(ratios, 2), median(ratios, 3), ratios.size()));
        System.out.print(out);
        Path file = Path.of("target", "gatling", "floor.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
    }

    private static void line(StringBuilder out, int round, String server, Rounds.Round r) {
        out.append(String.format(Locale.ROOT, "%-7d %-6s %10.0f %12.1f %9.2f %9.2f%n", round, server,
                r.callsPerSecond(), r.cpuMicrosPerCall(), r.percentileMillis(0.5), r.percentileMillis(0.99)));
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return values.length == 0 ? Double.NaN : values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
}
