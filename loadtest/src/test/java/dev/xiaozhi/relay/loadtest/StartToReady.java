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
 * provider connects to.
 */
public final class StartToReady {

    private StartToReady() {
    }

    /** Measures both and prints one line each. */
    public static void main(String[] args) throws Exception {
        int runs = Load.knob("readyRuns", 1, 5);
        int pipes = Load.knob("readyPipes", 10, 100);
        double[] embedded = new double[runs];
        double[] withPipes = new double[runs];
        try (FakeCloud cloud = new FakeCloud(1)) {
            for (int i = 0; i < runs; i++) {
                Path dir = Files.createTempDirectory("relay-ready");
                try (ChildJvm relay = RelayUnderTest.start(dir, Map.of("RELAY_PORT", "0", "RELAY_ADMIN_PORT", "0",
                        "RELAY_STATE_DIR", dir.resolve("data").toString()), List.of())) {
                    relay.awaitReady(60);
                    embedded[i] = relay.secondsToReady();
                }
                try (RelayUnderTest relay = RelayUnderTest.generated(
                        "home: {type: provider, tokenHash: \"" + RelayUnderTest.hash("provider") + "\"}",
                        IntStream.range(0, pipes).mapToObj(p -> "p%d: {tokenHash: \"%s\", endpoint: \"%s\"}"
                                .formatted(p, RelayUnderTest.hash("ready-" + p), cloud.endpoint("a" + p)))
                                .collect(Collectors.joining("\n")), "")) {
                    withPipes[i] = relay.process().orElseThrow().secondsToReady();
                }
            }
        }
        System.out.printf(Locale.ROOT, "start to ready, median of %d: embedded default %.2f s; %d pipes and an"
                + " unconnected provider %.2f s%n", runs, median(embedded), pipes, median(withPipes));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
