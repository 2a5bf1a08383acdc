package dev.xiaozhi.relay.bus;

import java.util.Locale;
import java.util.Optional;

/**
 * What a tool call came to, carried from the target to the front. It alone decides the circuit breaker's verdict
 * ({@link #failsUpstream()}), the {@code outcome} tag of the call metric ({@link #tag()}), the code a target verticle
 * fails an event-bus request with ({@link #code()}) and the shape of the text a device is shown ({@link #text}).
 * Only a timeout or a failed transport (a crash, a lost connection, HTTP 5xx) counts against the upstream; an answer
 * the upstream gave, even an error, proves it alive.
 */
public enum CallOutcome {

    /** The tool ran and answered. */
    OK(0, false),
    /** The tool ran and reported a failure ({@code isError: true}). */
    TOOL_ERROR(7, false),
    /** The upstream answered with an error of its own: a JSON-RPC error, HTTP 4xx, an answer over the size bound. */
    UPSTREAM_ERROR(5, false),
    /** The target has its maximum number of calls in flight and waiting. */
    BUSY(1, false),
    /** The target takes no calls: its circuit is open, or no instance serves it here. */
    UNAVAILABLE(2, false),
    /** The call did not finish within its deadline. */
    TIMEOUT(3, true),
    /** The upstream could not be reached or failed: not running, connection lost, HTTP 5xx. */
    TRANSPORT_FAILED(4, true),
    /** The caller stopped waiting for the call. */
    CANCELLED(6, false);

    private final int code;
    private final boolean failsUpstream;
    private final String tag;

    CallOutcome(int code, boolean failsUpstream) {
        this.code = code;
        this.failsUpstream = failsUpstream;
        this.tag = name().toLowerCase(Locale.ROOT);
    }

    /** Whether the call counts as a failure of the upstream in its circuit breaker. */
    public boolean failsUpstream() {
        return failsUpstream;
    }

    /** The value of the call metric's {@code outcome} tag: the lowercase name. */
    public String tag() {
        return tag;
    }

    /**
     * The failure code of an event-bus request that ended so ({@code Message.fail(code, text)}); stable across
     * versions, as nodes of two versions share a cluster during an upgrade.
     */
    public int code() {
        return code;
    }

    /** The outcome of a failure code; empty for a code no target verticle sends. */
    public static Optional<CallOutcome> ofCode(int code) {
        for (CallOutcome outcome : values()) {
            if (outcome.code == code) {
                return Optional.of(outcome);
            }
        }
        return Optional.empty();
    }

    /**
     * The text a device is shown for a call that ended so without a result of its own.
     *
     * @param target the target's name
     * @param detail what the outcome's shape leaves open: the server's error, the deadline, why it is unavailable
     */
    public String text(String target, String detail) {
        return switch (this) {
            case OK, TOOL_ERROR -> detail;
            case UPSTREAM_ERROR -> target + " answered with an error: " + detail;
            case BUSY -> target + " is busy (" + detail + "); try again shortly";
            case UNAVAILABLE -> target + " is unavailable " + detail + "; try again in a little while";
            case TIMEOUT -> target + " did not answer within " + detail;
            case TRANSPORT_FAILED -> target + " failed: " + detail;
            case CANCELLED -> target + " call cancelled: " + detail;
        };
    }

    /** A deadline as the texts show it: whole seconds as {@code "2 s"}, anything else as {@code "300 ms"}. */
    public static String duration(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
