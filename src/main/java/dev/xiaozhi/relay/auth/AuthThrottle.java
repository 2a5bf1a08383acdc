package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows token guessing: counts failed authentications per remote address in a fixed window; an address that goes
 * over the limit is refused (HTTP 429) until its block ends, whatever it presents. Thread-safe, shared by the fronts
 * of a node.
 */
public final class AuthThrottle {

    private static final int PURGE_ABOVE = 10_000;

    private final AuthFailuresConfig config;
    private final LongSupplier clock;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    /** A throttle on the system clock. */
    public AuthThrottle(AuthFailuresConfig config) {
        this(config, System::nanoTime);
    }

    AuthThrottle(AuthFailuresConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Whether an address is refused right now. */
    public boolean blocked(String address) {
        Failures failures = byAddress.get(address);
        return failures != null && failures.blockedUntil - clock.getAsLong() > 0;
    }

    /**
     * Counts a failed authentication.
     *
     * @return whether the address is now blocked
     */
    public boolean failed(String address) {
        if (config.max() == 0) {
            return false;
        }
        long now = clock.getAsLong();
        if (byAddress.size() > PURGE_ABOVE) {
            byAddress.values().removeIf(f -> f.expired(now));
        }
        Failures failures = byAddress.compute(address, (a, current) -> {
            Failures next = current == null || now - current.windowStart > config.window().toNanos()
                    ? new Failures(now) : current;
            next.count++;
            if (next.count > config.max()) {
                next.blockedUntil = now + config.block().toNanos();
            }
            return next;
        });
        return failures.blockedUntil - now > 0;
    }

    /** Failures of one address in its current window. */
    private final class Failures {

        final long windowStart;
        volatile int count;
        volatile long blockedUntil;

        Failures(long windowStart) {
            this.windowStart = windowStart;
            this.blockedUntil = windowStart;
        }

        boolean expired(long now) {
            return now - windowStart > config.window().toNanos() && now - blockedUntil > 0;
        }
    }
}
