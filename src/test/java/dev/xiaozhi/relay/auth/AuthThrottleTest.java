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

    private static final String BAD = "xzr_bad";
    private static final String GOOD = "xzr_good";

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(new AuthFailuresConfig(3, Duration.ofMinutes(1),
            Duration.ofSeconds(30), 5), now::get);

    /**
     * Verifies that a token is blocked from an address after too many failures in a window, and only that token from
     * that address.
     */
    @Test
    void blocksATokenThatFailsTooOftenFromAnAddress() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.failed("10.0.0.1", BAD)).isFalse();
        }

        assertThat(throttle.failed("10.0.0.1", BAD)).isTrue();
        assertThat(throttle.blocked("10.0.0.1", BAD)).isTrue();
        assertThat(throttle.blocked("10.0.0.1", GOOD)).isFalse();
        assertThat(throttle.blocked("10.0.0.2", BAD)).isFalse();
        advance(Duration.ofSeconds(31));
        assertThat(throttle.blocked("10.0.0.1", BAD)).isFalse();
    }

    /**
     * Verifies that an address is blocked, whatever it presents, once more distinct tokens than
     * {@code maxTokensPerAddress} failed from it in a window, and only that address.
     */
    @Test
    void blocksAnAddressOfTooManyDistinctBadTokens() {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.failed("10.0.0.1", "xzr_guess-" + i)).isFalse();
        }

        assertThat(throttle.failed("10.0.0.1", "xzr_guess-5")).isTrue();
        assertThat(throttle.blocked("10.0.0.1", GOOD)).isTrue();
        assertThat(throttle.blocked("10.0.0.2", GOOD)).isFalse();
        advance(Duration.ofSeconds(31));
        assertThat(throttle.blocked("10.0.0.1", GOOD)).isFalse();
    }

    /**
     * Verifies that a token hammered from an address counts once against the address: once it is blocked, its
     * attempts are refused before they take room, and other tokens from the address keep getting in.
     */
    @Test
    void keepsLettingOtherTokensOfAnAddressInWhileOneIsBlocked() {
        List<AuthThrottle.Attempt> admitted = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            throttle.begin("10.0.0.1", BAD, attempt -> {
                if (attempt != null) {
                    attempt.failed();
                }
            });
            throttle.begin("10.0.0.1", GOOD, attempt -> {
                admitted.add(attempt);
                if (attempt != null) {
                    attempt.end();
                }
            });
        }

        assertThat(throttle.blocked("10.0.0.1", BAD)).isTrue();
        assertThat(admitted).hasSize(100).doesNotContainNull();
    }

    /** Verifies that failures spread over more than a window never block. */
    @Test
    void forgetsFailuresOfAnEarlierWindow() {
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.failed("10.0.0.1", BAD)).isFalse();
            advance(Duration.ofSeconds(21));
        }

        assertThat(throttle.blocked("10.0.0.1", BAD)).isFalse();
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
            throttle.begin("10.0.0.1", BAD, attempt -> (attempt == null ? refused : admitted).add(attempt));
        }
        List<AuthThrottle.Attempt> elsewhere = new ArrayList<>();
        throttle.begin("10.0.0.2", BAD, elsewhere::add);

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
        throttle.begin("10.0.0.1", BAD, attempt -> (attempt == null ? refused : admitted).add(attempt));
        assertThat(admitted).hasSize(6);
    }

    /** Verifies that a limit of 0 turns throttling off. */
    @Test
    void canBeTurnedOff() {
        AuthThrottle off = new AuthThrottle(new AuthFailuresConfig(0, Duration.ofMinutes(1), Duration.ofMinutes(1),
                5),
                now::get);
        for (int i = 0; i < 100; i++) {
            off.failed("10.0.0.1", BAD);
        }

        assertThat(off.blocked("10.0.0.1", BAD)).isFalse();
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
