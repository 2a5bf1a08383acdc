package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Slows token guessing: counts failed authentications per remote address in a fixed window; an address that goes
 * over the limit is refused (HTTP 429) until its block ends, whatever it presents.
 *
 * <p>A lookup counts against its address before it runs ({@link #begin}): beyond the first, an address's lookups in
 * flight plus its failures so far never exceed the limit, and further attempts wait (up to {@link #MAX_WAITING})
 * until lookups in flight end. Good tokens give their room back at once, so a burst of real devices behind one
 * address is only serialized; bad ones block the address before the attempts waiting behind them are looked up, so
 * a herd of guesses cannot carry a valid token past the throttle. Thread-safe, shared by the fronts of a node.
 */
public final class AuthThrottle {

    /** The most attempts of one address that wait for room; more are refused at once. */
    public static final int MAX_WAITING = 1024;

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
                change(address, -1, false);
            }
        }

        /**
         * Ends the attempt as a failure: the token was bad.
         *
         * @return whether the address is now blocked
         */
        public boolean failed() {
            if (ended) {
                return blocked(address);
            }
            ended = true;
            return change(address, -1, true);
        }
    }

    /**
     * Starts an authentication of an address, before its lookup. {@code then} gets the attempt once the address has
     * room for it, or null when it is to be refused (blocked, or too many attempts waiting); it may run at once or
     * later, on the thread that made room.
     */
    public void begin(String address, Consumer<Attempt> then) {
        if (config.max() == 0) {
            then.accept(new Attempt(address));
            return;
        }
        long now = clock.getAsLong();
        purge(now);
        List<Runnable> actions = new ArrayList<>();
        byAddress.compute(address, (a, current) -> {
            Failures failures = current == null ? new Failures(now) : current.renewed(now);
            if (failures.blocked(now) || failures.waiting.size() >= MAX_WAITING) {
                actions.add(() -> then.accept(null));
            } else {
                failures.waiting.add(then);
                failures.admit(address, now, actions);
            }
            return failures;
        });
        actions.forEach(Runnable::run);
    }

    /** Whether an address is refused right now. */
    public boolean blocked(String address) {
        Failures failures = byAddress.get(address);
        return failures != null && failures.blocked(clock.getAsLong());
    }

    /**
     * Counts a failed authentication.
     *
     * @return whether the address is now blocked
     */
    public boolean failed(String address) {
        return change(address, 0, true);
    }

    /** Ends lookups in flight and counts a failure, then lets waiting attempts in or refuses them. */
    private boolean change(String address, int inFlightDelta, boolean failure) {
        if (config.max() == 0) {
            return false;
        }
        long now = clock.getAsLong();
        List<Runnable> actions = new ArrayList<>();
        Failures failures = byAddress.compute(address, (a, current) -> {
            Failures next = current == null ? new Failures(now) : current.renewed(now);
            next.inFlight = Math.max(0, next.inFlight + inFlightDelta);
            if (failure && ++next.count > config.max()) {
                next.blockedUntil = now + config.block().toNanos();
            }
            next.admit(address, now, actions);
            return next;
        });
        actions.forEach(Runnable::run);
        return failures.blocked(now);
    }

    private void purge(long now) {
        if (byAddress.size() > PURGE_ABOVE) {
            for (String address : byAddress.keySet()) {
                byAddress.computeIfPresent(address, (a, failures) -> failures.expired(now) ? null : failures);
            }
        }
    }

    /** One address: failures in its current window, its block, lookups in flight and attempts waiting for room. */
    private final class Failures {

        long windowStart;
        volatile int count;
        volatile long blockedUntil;
        int inFlight;
        final ArrayDeque<Consumer<Attempt>> waiting = new ArrayDeque<>();

        Failures(long now) {
            this.windowStart = now;
            this.blockedUntil = now;
        }

        boolean blocked(long now) {
            return blockedUntil - now > 0;
        }

        /** This address in a new window when the last one and its block are over. */
        Failures renewed(long now) {
            if (now - windowStart > config.window().toNanos() && !blocked(now)) {
                windowStart = now;
                count = 0;
            }
            return this;
        }

        /** Hands waiting attempts their room (or their refusal, once blocked), as actions to run after the change. */
        void admit(String address, long now, List<Runnable> actions) {
            while (!waiting.isEmpty()) {
                Consumer<Attempt> next = waiting.peek();
                if (blocked(now)) {
                    waiting.poll();
                    actions.add(() -> next.accept(null));
                } else if (inFlight == 0 || count + inFlight <= config.max()) {
                    waiting.poll();
                    inFlight++;
                    actions.add(() -> next.accept(new Attempt(address)));
                } else {
                    return;
                }
            }
        }

        boolean expired(long now) {
            return inFlight == 0 && waiting.isEmpty() && now - windowStart > config.window().toNanos()
                    && !blocked(now);
        }
    }
}
