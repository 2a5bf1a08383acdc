package dev.xiaozhi.relay.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Verifies the backoff schedule of reconnecting pipes and restarting servers. */
class BackoffTest {

    private final Backoff pipes = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(600), Duration.ofSeconds(60));

    /** Verifies that the ceiling doubles from the base and stops at the cap. */
    @Test
    void doublesFromTheBaseUpToTheCap() {
        assertThat(new long[] {pipes.ceilingMs(0), pipes.ceilingMs(1), pipes.ceilingMs(2), pipes.ceilingMs(9),
            pipes.ceilingMs(10), pipes.ceilingMs(64)})
                .containsExactly(1_000, 2_000, 4_000, 512_000, 600_000, 600_000);
    }

    /** Verifies that every delay lies under its step's ceiling, spread out, and that a healthy run resets it. */
    @Test
    void jittersUnderTheCeilingAndResetsAfterAHealthyRun() {
        long maxFirst = 0;
        long minFirst = Long.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            long first = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(600), Duration.ofSeconds(60))
                    .nextDelayMs(0);
            maxFirst = Math.max(maxFirst, first);
            minFirst = Math.min(minFirst, first);
        }
        assertThat(minFirst).isGreaterThanOrEqualTo(0);
        assertThat(maxFirst).isLessThanOrEqualTo(1_000);
        assertThat(maxFirst - minFirst).as("jitter spreads the delays").isGreaterThan(500);

        for (int step = 0; step < 12; step++) {
            assertThat(pipes.nextDelayMs(5_000)).isBetween(0L, pipes.ceilingMs(step));
        }
        assertThat(pipes.nextDelayMs(60_000)).as("after a minute up").isLessThanOrEqualTo(1_000);
    }
}
