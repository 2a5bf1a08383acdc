package dev.xiaozhi.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Verifies that lookups in flight count against the limit before they end: attempts beyond it wait, a good
     * token lets the next one in, and bad ones refuse those waiting once the address is blocked.
     */
    @Test
    void countsLookupsInFlightBeforeTheyEnd() {
        List<AuthThrottle.Attempt> admitted = new ArrayList<>();
        List<AuthThrottle.Attempt> refused = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            throttle.begin("10.0.0.1", attempt -> (attempt == null ? refused : admitted).add(attempt));
        }
        List<AuthThrottle.Attempt> elsewhere = new ArrayList<>();
        throttle.begin("10.0.0.2", elsewhere::add);

        assertThat(admitted).hasSize(4);
        assertThat(elsewhere).singleElement().isNotNull();
        admitted.get(0).end();
        assertThat(admitted).hasSize(5);
        for (int i = 1; i < 4; i++) {
            assertThat(admitted.get(i).failed()).isFalse();
        }
        assertThat(admitted).hasSize(5);
        assertThat(admitted.get(4).failed()).isTrue();
        assertThat(refused).hasSize(5).containsOnlyNulls();
        advance(Duration.ofSeconds(31));
        throttle.begin("10.0.0.1", attempt -> (attempt == null ? refused : admitted).add(attempt));
        assertThat(admitted).hasSize(6);
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
