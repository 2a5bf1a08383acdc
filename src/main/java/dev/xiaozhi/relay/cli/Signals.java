package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.node.RelayNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT drain a running node and exit: 0 when the drain finished, 1 when it did not. SIGHUP reloads
 * what can change without a restart.
 */
final class Signals {

    private static final long EXTRA_SECONDS = 10;

    private Signals() {
    }

    static void drainOnSignal(RelayNode node, Duration grace) {
        long limit = grace.toSeconds() + EXTRA_SECONDS;
        Signal.handle(new Signal("TERM"), signal -> stopAndExit(node, limit));
        Signal.handle(new Signal("INT"), signal -> stopAndExit(node, limit));
    }

    /** Runs {@code action} on SIGHUP (a failure is printed, the node runs on). */
    static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), signal -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.err.println("reload failed: " + e.getMessage());
            }
        });
    }

    private static void stopAndExit(RelayNode node, long limitSeconds) {
        int status = 0;
        try {
            node.stop().toCompletionStage().toCompletableFuture().get(limitSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("drain did not finish cleanly: " + e);
            status = 1;
        }
        System.exit(status);
    }
}
