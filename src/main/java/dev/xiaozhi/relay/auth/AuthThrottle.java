package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows token guessing: counts failed authentications per remote address in a fixed window; an address that goes
 * over the limit is refused (HTTP 429) until its block ends, whatever it presents. A lookup counts against its
 * address before it runs ({@link #begin}): beyond the first, lookups in flight plus failures so far never exceed
 * the limit, so a herd of concurrent guesses is refused up front rather than counted once it is too late.
 * Thread-safe, shared by the fronts of a node.
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

    /** One authentication of an address on its way: ends once, by {@link #end} or as {@link #failed}. */
    public final class Attempt {

        private final String address;
        private boolean ended;

        private Attempt(String address) {
            this.address = address;
        }

        /** Ends the attempt without a failure (the token was good, or there was no answer): it leaves the count. */
        public void end() {
            if (!ended) {
                ended = true;
                byAddress.computeIfPresent(address, (a, failures) -> {
                    failures.inFlight--;
                    return failures;
                });
            }
        }

        /**
         * Ends the attempt as a failure: the token was bad.
         *
         * @return whether the address is now blocked
         */
        public boolean failed() {
            end();
            return AuthThrottle.this.failed(address);
        }
    }

    /**
     * Starts an authentication of an address, before its lookup.
     *
     * @return the attempt, or null when the address is to be refused now: it is blocked, or it has lookups in flight
     *         and they and its failures already reach the limit
     */
    public Attempt begin(String address) {
        if (config.max() == 0) {
            return new Attempt(address);
        }
        long now = clock.getAsLong();
        purge(now);
        boolean[] admitted = new boolean[1];
        byAddress.compute(address, (a, current) -> {
            Failures next = current(current, now);
            admitted[0] = next.blockedUntil - now <= 0
                    && (next.inFlight == 0 || next.count + next.inFlight <= config.max());
            if (admitted[0]) {
                next.inFlight++;
            }
            return next;
        });
        return admitted[0] ? new Attempt(address) : null;
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
        purge(now);
        Failures failures = byAddress.compute(address, (a, current) -> {
            Failures next = current(current, now);
            next.count++;
            if (next.count > config.max()) {
                next.blockedUntil = now + config.block().toNanos();
            }
            return next;
        });
        return failures.blockedUntil - now > 0;
    }

    /** The address's failures, in a new window when the last one is over (lookups in flight carry over). */
    private Failures current(Failures current, long now) {
        if (current == null) {
            return new Failures(now, 0);
        }
        return now - current.windowStart > config.window().toNanos() && current.blockedUntil - now <= 0
                ? new Failures(now, current.inFlight) : current;
    }

    private void purge(long now) {
        if (byAddress.size() > PURGE_ABOVE) {
            byAddress.values().removeIf(f -> f.expired(now));
        }
    }

    /** Failures of one address in its current window, and its lookups in flight. */
    private final class Failures {

        final long windowStart;
        volatile int count;
        volatile int inFlight;
        volatile long blockedUntil;

        Failures(long windowStart, int inFlight) {
            this.windowStart = windowStart;
            this.blockedUntil = windowStart;
            this.inFlight = inFlight;
        }

        boolean expired(long now) {
            return inFlight == 0 && now - windowStart > config.window().toNanos() && now - blockedUntil > 0;
        }
    }
}
