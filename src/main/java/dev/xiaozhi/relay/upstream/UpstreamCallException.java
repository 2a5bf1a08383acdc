package dev.xiaozhi.relay.upstream;

import dev.xiaozhi.relay.bus.CallOutcome;
import java.util.Objects;
import java.util.Optional;

/**
 * A call whose tool did not run to a result, with what it came to; the target verticle takes the outcome as it is
 * (any other failure of a client is {@link CallOutcome#TRANSPORT_FAILED}). The message is the detail of the
 * outcome's text, safe to show to the device. An upstream that answered with a result of its own (an API's HTTP
 * error status) has it shown as it is instead.
 */
public class UpstreamCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final CallOutcome outcome;
    private final String resultJson;

    /**
     * @param outcome what the call came to; neither {@link CallOutcome#OK} nor {@link CallOutcome#TOOL_ERROR}
     * @param message the detail of the device-facing text
     */
    public UpstreamCallException(CallOutcome outcome, String message) {
        this(outcome, message, null);
    }

    /**
     * @param outcome    what the call came to; neither {@link CallOutcome#OK} nor {@link CallOutcome#TOOL_ERROR}
     * @param message    what went wrong, for logs
     * @param resultJson the {@code tools/call} result to show the device in place of the outcome's text; null for
     *                   none
     */
    public UpstreamCallException(CallOutcome outcome, String message, String resultJson) {
        super(message, null, false, false);
        this.outcome = Objects.requireNonNull(outcome);
        this.resultJson = resultJson;
        if (outcome == CallOutcome.OK || outcome == CallOutcome.TOOL_ERROR) {
            throw new IllegalArgumentException("a tool that ran is a reply, not a failure: " + outcome);
        }
    }

    /**
     * The failure an HTTP error status means: 5xx a failed upstream, any other status an answer it gave.
     *
     * @param resultJson the result to show the device as it is; null for the outcome's text
     */
    public static UpstreamCallException ofHttpStatus(int status, String message, String resultJson) {
        return new UpstreamCallException(status >= 500 ? CallOutcome.TRANSPORT_FAILED : CallOutcome.UPSTREAM_ERROR,
                message, resultJson);
    }

    /** What the call came to. */
    public CallOutcome outcome() {
        return outcome;
    }

    /** The result the upstream answered with, shown to the device as it is. */
    public Optional<String> resultJson() {
        return Optional.ofNullable(resultJson);
    }
}
