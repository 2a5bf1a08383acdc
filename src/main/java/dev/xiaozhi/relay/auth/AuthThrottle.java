package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import dev.xiaozhi.relay.model.TokenHash;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Slows token guessing without locking a whole address out for one bad device: counts failed authentications per
 * presented token and remote address in a fixed window. A token that fails more than {@code max} times from an
 * address is refused (HTTP 429) from there until its block ends, while other tokens from that address still get in;
 * only more than {@code maxTokensPerAddress} distinct failing tokens block the address itself, whatever it presents.
 * Tokens are told apart by a fingerprint of their hash, never kept or logged in plain.
 *
 * <p>A lookup counts before it runs ({@link #begin}): beyond the first, the lookups in flight of a token plus its
 * failures never exceed {@code max}, nor do an address's lookups in flight plus its distinct failing tokens exceed
 * {@code maxTokensPerAddress}; further attempts wait (up to {@link #MAX_WAITING} per address) until lookups in flight
 * end. Good tokens give their room back at once, so a burst of real devices behind one address is only serialized;
 * bad ones block before the attempts waiting behind them are looked up, so a herd of guesses cannot carry a valid
 * token past the throttle. Thread-safe, shared by the fronts of a node.
 */
public final class AuthThrottle {

    /** The most attempts of one address that wait for room; more are refused at once. */
    public static final int MAX_WAITING = 1024;

    private static final int PURGE_ABOVE = 10_000;
    private static final int FINGERPRINT_HEX = 16;

    private final AuthFailuresConfig config;
    private final LongSupplier clock;
    private final Map<String, Address> byAddress = new ConcurrentHashMap<>();

    /** A throttle on the system clock. */
    public AuthThrottle(AuthFailuresConfig config) {
        this(config, System::nanoTime);
    }

    AuthThrottle(AuthFailuresConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    /** One authentication of a token from an address on its way: ends once, by {@link #end} or as {@link #failed}. */
    public final class Attempt {

        private final String address;
        private final String token;
        private boolean ended;

        private Attempt(String address, String token) {
            this.address = address;
            this.token = token;
        }

        /** Ends the attempt without a failure (the token was good, or there was no answer): it leaves the count. */
        public void end() {
            if (!ended) {
                ended = true;
                change(address, token, -1, false);
            }
        }

        /**
         * Ends the attempt as a failure: the token was bad.
         *
         * @return whether the token is now refused from this address (it, or the address, is blocked)
         */
        public boolean failed() {
            if (ended) {
                return blockedFingerprint(address, token);
            }
            ended = true;
            return change(address, token, -1, true);
        }
    }

    /**
     * Starts an authentication of a token (null for none) from an address, before its lookup. {@code then} gets the
     * attempt once there is room for it, or null when it is to be refused (the token or the address is blocked, or
     * too many attempts of the address wait); it may run at once or later, on the thread that made room.
     */
    public void begin(String address, String token, Consumer<Attempt> then) {
        String fingerprint = fingerprint(token);
        if (config.max() == 0) {
            then.accept(new Attempt(address, fingerprint));
            return;
        }
        long now = clock.getAsLong();
        purge(now);
        List<Runnable> actions = new ArrayList<>();
        byAddress.compute(address, (a, current) -> {
            Address state = current == null ? new Address(now) : current.renewed(now);
            if (state.waiting.size() >= MAX_WAITING) {
                actions.add(() -> then.accept(null));
            } else {
                state.waiting.add(new Waiting(fingerprint, then));
                state.admit(address, now, actions);
            }
            return state;
        });
        actions.forEach(Runnable::run);
    }

    /** Whether a token (null for none) from an address is refused right now. */
    public boolean blocked(String address, String token) {
        return blockedFingerprint(address, fingerprint(token));
    }

    /**
     * Counts a failed authentication of a token (null for none) from an address, when no attempt was begun.
     *
     * @return whether the token is now refused from this address
     */
    public boolean failed(String address, String token) {
        return change(address, fingerprint(token), 0, true);
    }

    private boolean blockedFingerprint(String address, String fingerprint) {
        long now = clock.getAsLong();
        boolean[] blocked = new boolean[1];
        byAddress.computeIfPresent(address, (a, state) -> {
            Budget token = state.tokens.get(fingerprint);
            blocked[0] = state.budget.blocked(now) || token != null && token.blocked(now);
            return state;
        });
        return blocked[0];
    }

    /** Ends lookups in flight and counts a failure, then lets waiting attempts in or refuses them. */
    private boolean change(String address, String fingerprint, int inFlightDelta, boolean failure) {
        if (config.max() == 0) {
            return false;
        }
        long now = clock.getAsLong();
        List<Runnable> actions = new ArrayList<>();
        boolean[] blocked = new boolean[1];
        byAddress.compute(address, (a, current) -> {
            Address state = current == null ? new Address(now) : current.renewed(now);
            Budget token = state.token(fingerprint, now);
            state.budget.inFlight = Math.max(0, state.budget.inFlight + inFlightDelta);
            token.inFlight = Math.max(0, token.inFlight + inFlightDelta);
            if (failure) {
                token.fail(now, config.max());
                if (state.failedTokens.add(fingerprint)) {
                    state.budget.fail(now, config.maxTokensPerAddress());
                }
            }
            blocked[0] = state.budget.blocked(now) || token.blocked(now);
            if (token.unused(now)) {
                state.tokens.remove(fingerprint);
            }
            state.admit(address, now, actions);
            return state;
        });
        actions.forEach(Runnable::run);
        return blocked[0];
    }

    private void purge(long now) {
        if (byAddress.size() > PURGE_ABOVE) {
            for (String address : byAddress.keySet()) {
                byAddress.computeIfPresent(address, (a, state) -> state.expired(now) ? null : state);
            }
        }
    }

    /** A short fingerprint of a token's hash, to tell tokens apart without keeping them. */
    private static String fingerprint(String token) {
        return token == null || token.isEmpty() ? "" : TokenHash.ofPlain(token).hex().substring(0, FINGERPRINT_HEX);
    }

    /** An attempt waiting for room. */
    private record Waiting(String token, Consumer<Attempt> then) {
    }

    /** The count of one address, or of one token from one address: failures in the current window, block, lookups. */
    private final class Budget {

        long windowStart;
        long blockedUntil;
        int failures;
        int inFlight;

        Budget(long now) {
            this.windowStart = now;
            this.blockedUntil = now;
        }

        boolean blocked(long now) {
            return blockedUntil - now > 0;
        }

        /** Starts a new window when the last one and its block are over; whether it did. */
        boolean renew(long now) {
            if (now - windowStart > config.window().toNanos() && !blocked(now)) {
                windowStart = now;
                failures = 0;
                return true;
            }
            return false;
        }

        /** Whether one more lookup fits: the first always does, others while failures and lookups stay in limit. */
        boolean hasRoom(int limit) {
            return inFlight == 0 || failures + inFlight <= limit;
        }

        void fail(long now, int limit) {
            if (++failures > limit) {
                blockedUntil = now + config.block().toNanos();
            }
        }

        /** Whether nothing is left to remember. */
        boolean unused(long now) {
            return inFlight == 0 && !blocked(now) && (failures == 0 || now - windowStart > config.window().toNanos());
        }
    }

    /** One address: its own count, its distinct failing tokens, each token's count, and attempts waiting for room. */
    private final class Address {

        final Budget budget;
        final Set<String> failedTokens = new HashSet<>();
        final Map<String, Budget> tokens = new HashMap<>();
        final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

        Address(long now) {
            this.budget = new Budget(now);
        }

        /** This address in a new window when the last one and its block are over; tokens with nothing left go. */
        Address renewed(long now) {
            if (budget.renew(now)) {
                failedTokens.clear();
                tokens.values().removeIf(token -> token.unused(now));
            }
            return this;
        }

        Budget token(String fingerprint, long now) {
            Budget token = tokens.computeIfAbsent(fingerprint, f -> new Budget(now));
            token.renew(now);
            return token;
        }

        /**
         * Hands waiting attempts their room (or their refusal, once they or the address are blocked), oldest first,
         * as actions to run after the change; an attempt whose token has no room yet lets later ones pass.
         */
        void admit(String address, long now, List<Runnable> actions) {
            for (Iterator<Waiting> oldest = waiting.iterator(); oldest.hasNext();) {
                Waiting next = oldest.next();
                Budget token = tokens.get(next.token());
                if (token != null) {
                    token.renew(now);
                }
                if (budget.blocked(now) || token != null && token.blocked(now)) {
                    oldest.remove();
                    actions.add(() -> next.then().accept(null));
                } else if (!budget.hasRoom(config.maxTokensPerAddress())) {
                    return;
                } else if (token == null || token.hasRoom(config.max())) {
                    oldest.remove();
                    budget.inFlight++;
                    token(next.token(), now).inFlight++;
                    actions.add(() -> next.then().accept(new Attempt(address, next.token())));
                }
            }
        }

        boolean expired(long now) {
            return waiting.isEmpty() && budget.unused(now) && tokens.values().stream().allMatch(t -> t.unused(now));
        }
    }
}
