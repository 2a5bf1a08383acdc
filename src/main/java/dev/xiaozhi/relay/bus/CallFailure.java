package dev.xiaozhi.relay.bus;

/**
 * Failure codes a target verticle uses when it cannot produce a result ({@code Message.fail(code, text)}); the text
 * is shown to the model as a tool error.
 */
public final class CallFailure {

    /** The target has its maximum number of calls in flight. */
    public static final int BUSY = 1;
    /** The target's circuit breaker is open. */
    public static final int UNAVAILABLE = 2;
    /** The call did not finish within its deadline. */
    public static final int TIMEOUT = 3;
    /** The call failed for another reason. */
    public static final int FAILED = 4;

    private CallFailure() {
    }
}
