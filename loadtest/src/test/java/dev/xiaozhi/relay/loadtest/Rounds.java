package dev.xiaozhi.relay.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rounds of calls against one server or another, each measured apart: wall time and the server process's CPU time
 * from the first caller's start to the last caller's end, and the latency of every call. The callers are Gatling
 * users; the gaps Gatling leaves between one population and the next are not counted.
 */
public final class Rounds {

    private final Map<String, LongSupplier> cpuOf;
    private final Map<String, Round> rounds = new LinkedHashMap<>();

    /** @param cpuOf each server's CPU time so far, in nanoseconds, by name */
    public Rounds(Map<String, LongSupplier> cpuOf) {
        this.cpuOf = cpuOf;
    }

    /** One round: a server's calls between two marks. */
    public static final class Round {
        final String server;
        long startNanos;
        long endNanos;
        long startCpu;
        long endCpu;
        long[] latencies = new long[1024];
        int count;
        int started;
        int finished;

        Round(String server) {
            this.server = server;
        }

        synchronized void add(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double callsPerSecond() {
            return count / seconds();
        }

        double cpuMicrosPerCall() {
            return (endCpu - startCpu) / 1e3 / count;
        }

        double percentileMillis(double p) {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return sorted[Math.min(count - 1, (int) (count * p))] / 1e6;
        }
    }

    /** A caller of round {@code name} against {@code server} starts calling; the first one starts the round. */
    public synchronized void callerStarts(String name, String server) {
        Round round = rounds.computeIfAbsent(name, n -> new Round(server));
        if (round.started++ == 0) {
            round.startCpu = cpuOf.get(server).getAsLong();
            round.startNanos = System.nanoTime();
        }
    }

    /** A caller of round {@code name} is done; the last of {@code callers} ends the round. */
    public synchronized void callerEnds(String name, int callers) {
        Round round = rounds.get(name);
        if (++round.finished == callers) {
            round.endNanos = System.nanoTime();
            round.endCpu = cpuOf.get(round.server).getAsLong();
        }
    }

    /** Records one call's latency in round {@code name}. */
    public void record(String name, long nanos) {
        Round round;
        synchronized (this) {
            round = rounds.get(name);
        }
        round.add(nanos);
    }

    /** The rounds of {@code server} whose names do not start with {@code warm}, in order. */
    public synchronized List<Round> of(String server) {
        List<Round> of = new ArrayList<>();
        rounds.forEach((name, round) -> {
            if (round.server.equals(server) && !name.startsWith("warm")) {
                of.add(round);
            }
        });
        return of;
    }
}
