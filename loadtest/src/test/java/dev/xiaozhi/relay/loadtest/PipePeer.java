package dev.xiaozhi.relay.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The relay's {@code pipe} mode beside the seed's bridge, {@code mcp_pipe.py} ({@code -DmcpPipe=PATH}, run with
 * {@code /usr/bin/python3}; needs Debian's {@code python3-websockets} and {@code python3-dotenv}): the same
 * {@link FakeCloud} makes {@code -DpipeCalls} sequential calls through each to the same stdio child (the relay's
 * {@code stdio-calculator}), in {@code -DpipeRuns} alternating runs of each. Reports calls/s, p50 and p99 and each
 * bridge's peak RSS (the bridge's own process, not the child's), and the ratios of the best runs and the median of
 * each run's ratios. The relay runs with the README's JVM options for {@code pipe} mode ({@link #PIPE_JVM_OPTIONS});
 * {@code -DpipeJvmOptions="…"} runs it with others, {@code -DpipeJvmOptions=none} with the JVM's defaults. Skipped,
 * saying so, when the script is absent.
 */
public final class PipePeer {

    /**
     * The JVM options the README gives for {@code pipe} mode: the client compiler alone, compiling early, one
     * compiler thread, the serial collector and a small heap and stacks.
     */
    static final String PIPE_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.02"
            + " -XX:CICompilerCount=1 -XX:+UseSerialGC -Xmx64m -Xss256k";
    private static final Pattern ANY_LINE = Pattern.compile("^");

    private PipePeer() {
    }

    /** Runs the comparison and prints one line per run and a summary. */
    public static void main(String[] args) throws Exception {
        Path script = Path.of(Load.property("mcpPipe", "../../shared/peers/mcp_pipe.py")).toAbsolutePath();
        if (!Files.exists(script)) {
            System.out.println("PipePeer skipped: no mcp_pipe.py at " + script
                    + " (give its path with -DmcpPipe=PATH)");
            return;
        }
        int calls = Load.knob("pipeCalls", 500, 20000);
        int runs = Load.knob("pipeRuns", 1, 3);
        Path jar = Path.of(Load.property("relay.jar", "../target/xiaozhi-relay.jar")).toAbsolutePath();
        Path dir = Files.createTempDirectory("pipe-peer");
        Path config = dir.resolve("mcp_config.json");
        Files.writeString(config, """
                {"mcpServers": {"calculator": {"command": "%s", "args": ["-jar", "%s", "stdio-calculator"]}}}
                """.formatted(ChildJvm.java(), jar));
        String options = Load.property("pipeJvmOptions", PIPE_JVM_OPTIONS);
        List<String> jvmOptions = "none".equals(options) ? List.of() : List.of(options.split("\\s+"));
        System.out.println("relay pipe JVM options: " + (jvmOptions.isEmpty() ? "the JVM's defaults" : options));
        List<double[]> relay = new ArrayList<>();
        List<double[]> python = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            relay.add(run(calls, cloud -> RelayUnderTest.start(dir, Map.of("MCP_ENDPOINT", cloud), jvmOptions,
                    "pipe", "--mcp-config", config.toString()), "relay pipe", run));
            python.add(run(calls, cloud -> ChildJvm.start(List.of("/usr/bin/python3", script.toString()),
                    Map.of("MCP_ENDPOINT", cloud, "MCP_CONFIG", config.toString()), dir, ANY_LINE),
                    "mcp_pipe.py", run));
        }
        System.out.printf(Locale.ROOT, "pipe / mcp_pipe.py, best runs: calls/s %.2fx, p50 %.2fx, p99 %.2fx,"
                + " peak RSS %.0f MB vs %.0f MB%n", best(relay, 0, true) / best(python, 0, true),
                best(relay, 1, false) / best(python, 1, false), best(relay, 2, false) / best(python, 2, false),
                best(relay, 3, false) / 1024, best(python, 3, false) / 1024);
        System.out.printf(Locale.ROOT, "pipe / mcp_pipe.py, median of the %d runs' ratios: calls/s %.2fx, p50 %.2fx,"
                + " p99 %.2fx%n", runs, medianRatio(relay, python, 0), medianRatio(relay, python, 1),
                medianRatio(relay, python, 2));
    }

    /** Starts a bridge at a fresh cloud's endpoint. */
    @FunctionalInterface
    private interface Bridge {
        ChildJvm start(String endpoint) throws Exception;
    }

    private static double[] run(int calls, Bridge bridge, String name, int run) throws Exception {
        try (FakeCloud cloud = new FakeCloud(calls); ChildJvm process = bridge.start(cloud.endpoint("agent"))) {
            long[] latencies;
            try {
                latencies = cloud.awaitFirstPipe(600);
            } catch (Exception e) {
                throw new IllegalStateException(name + " did not serve the pipe:\n" + process.lastLines(), e);
            }
            long peakRss = process.peakRssKb();
            double seconds = Arrays.stream(latencies).sum() / 1e9;
            Arrays.sort(latencies);
            double[] figures = {calls / seconds, latencies[calls / 2] / 1e6, latencies[(int) (calls * 0.99)] / 1e6,
                peakRss};
            System.out.printf(Locale.ROOT, "run %d %-10s %d calls: %.0f calls/s, p50 %.2f ms, p99 %.2f ms,"
                    + " peak RSS %d MB%n", run, name, calls, figures[0], figures[1], figures[2], peakRss / 1024);
            return figures;
        }
    }

    /** The median of run i's relay figure over run i's mcp_pipe.py figure. */
    private static double medianRatio(List<double[]> relay, List<double[]> python, int column) {
        double[] ratios = new double[relay.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = relay.get(i)[column] / python.get(i)[column];
        }
        Arrays.sort(ratios);
        return ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
    }

    private static double best(List<double[]> runs, int column, boolean highest) {
        return runs.stream().mapToDouble(r -> r[column]).reduce(highest ? Math::max : Math::min).orElse(Double.NaN);
    }
}
