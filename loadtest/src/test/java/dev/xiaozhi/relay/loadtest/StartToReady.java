package dev.xiaozhi.relay.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Seconds from {@code java -jar} to the relay's ready line, median of {@code -DreadyRuns} starts: on the embedded
 * default, and on a node with {@code -DreadyPipes} outbound pipes (to a {@link FakeCloud}) and a provider target no
 * provider connects to; each plain, and with an application class-data sharing archive of the jar's classes
 * (AppCDS: {@code -XX:SharedArchiveFile}), written once beforehand by a training start of the embedded default
 * that exits after it is ready ({@code -XX:ArchiveClassesAtExit}), as the README's start-up section describes.
 */
public final class StartToReady {

    private StartToReady() {
    }

    /** Measures both, plain and with the archive, and prints one line. */
    public static void main(String[] args) throws Exception {
        int runs = Load.knob("readyRuns", 1, 5);
        int pipes = Load.knob("readyPipes", 10, 100);
        Path archive = Files.createTempDirectory("relay-cds").resolve("relay.jsa");
        try (FakeCloud cloud = new FakeCloud(1)) {
            double[][] plain = measure(runs, pipes, cloud, List.of());
            embedded(List.of("-XX:ArchiveClassesAtExit=" + archive));
            double[][] shared = Files.exists(archive)
                    ? measure(runs, pipes, cloud, List.of("-XX:SharedArchiveFile=" + archive)) : null;
            System.out.printf(Locale.ROOT, "start to ready, median of %d: embedded default %.2f s; %d pipes and an"
                    + " unconnected provider %.2f s; %s%n", runs, median(plain[0]), pipes, median(plain[1]),
                    shared == null ? "no AppCDS archive was written"
                            : String.format(Locale.ROOT, "with an AppCDS archive %.2f s and %.2f s",
                                    median(shared[0]), median(shared[1])));
        }
    }

    /** Seconds to ready of {@code runs} starts of each kind, with the given JVM options. */
    private static double[][] measure(int runs, int pipes, FakeCloud cloud, List<String> jvmOptions)
            throws Exception {
        double[] embedded = new double[runs];
        double[] withPipes = new double[runs];
        for (int i = 0; i < runs; i++) {
            embedded[i] = embedded(jvmOptions);
            try (RelayUnderTest relay = RelayUnderTest.generated(
                    "home: {type: provider, tokenHash: \"" + RelayUnderTest.hash("provider") + "\"}",
                    IntStream.range(0, pipes).mapToObj(p -> "p%d: {tokenHash: \"%s\", endpoint: \"%s\"}"
                            .formatted(p, RelayUnderTest.hash("ready-" + p), cloud.endpoint("a" + p)))
                            .collect(Collectors.joining("\n")), "", jvmOptions.toArray(String[]::new))) {
                withPipes[i] = relay.process().orElseThrow().secondsToReady();
            }
        }
        return new double[][] {embedded, withPipes};
    }

    /** One start of the embedded default to ready, then a clean stop; its seconds to ready. */
    private static double embedded(List<String> jvmOptions) throws Exception {
        Path dir = Files.createTempDirectory("relay-ready");
        try (ChildJvm relay = RelayUnderTest.start(dir, Map.of("RELAY_PORT", "0", "RELAY_ADMIN_PORT", "0",
                "RELAY_STATE_DIR", dir.resolve("data").toString()), jvmOptions)) {
            relay.awaitReady(60);
            return relay.secondsToReady();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
