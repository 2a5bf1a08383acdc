package dev.xiaozhi.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Verifies the failed-authentication throttle on a clock of its own. */
class AuthThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(new AuthFailuresConfig(3, Duration.ofMinutes(1),
            Duration.ofSeconds(30)), now::get);

    /** Verifies that an address is blocked after too many failures in a window, and only that address. */
    @Test
    void blocksAnAddressThatFailsTooOften() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.failed("10.0.0.1")).isFalse();
        }

        assertThat(throttle.failed("10.0.0.1")).isTrue();
        assertThat(throttle.blocked("10.0.0.1")).isTrue();
        assertThat(throttle.blocked("10.0.0.2")).isFalse();
        advance(Duration.ofSeconds(31));
        assertThat(throttle.blocked("10.0.0.1")).isFalse();
    }

    /** Verifies that failures spread over more than a window never block. */
    @Test
    void forgetsFailuresOfAnEarlierWindow() {
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.failed("10.0.0.1")).isFalse();
            advance(Duration.ofSeconds(21));
        }

        assertThat(throttle.blocked("10.0.0.1")).isFalse();
    }

    /** Verifies that lookups in flight count against the limit before they end, and good ones give it back. */
    @Test
    void countsLookupsInFlightBeforeTheyEnd() {
        AuthThrottle.Attempt first = throttle.begin("10.0.0.1");
        AuthThrottle.Attempt second = throttle.begin("10.0.0.1");
        AuthThrottle.Attempt third = throttle.begin("10.0.0.1");
        AuthThrottle.Attempt fourth = throttle.begin("10.0.0.1");

        assertThat(throttle.begin("10.0.0.1")).isNull();
        assertThat(throttle.begin("10.0.0.2")).isNotNull();
        first.end();
        AuthThrottle.Attempt fifth = throttle.begin("10.0.0.1");
        assertThat(fifth).isNotNull();
        assertThat(second.failed()).isFalse();
        assertThat(third.failed()).isFalse();
        assertThat(fourth.failed()).isFalse();
        assertThat(fifth.failed()).isTrue();
        assertThat(throttle.begin("10.0.0.1")).isNull();
        advance(Duration.ofSeconds(31));
        assertThat(throttle.begin("10.0.0.1")).isNotNull();
    }

    /** Verifies that a limit of 0 turns throttling off. */
    @Test
    void canBeTurnedOff() {
        AuthThrottle off = new AuthThrottle(new AuthFailuresConfig(0, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                now::get);
        for (int i = 0; i < 100; i++) {
            off.failed("10.0.0.1");
        }

        assertThat(off.blocked("10.0.0.1")).isFalse();
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
