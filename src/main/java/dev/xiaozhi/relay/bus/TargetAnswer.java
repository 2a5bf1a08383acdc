package dev.xiaozhi.relay.bus;

/**
 * What a target's server answered to a {@link TargetRequest}: its {@code result}, or the JSON-RPC {@code error} it
 * answered with (the server is alive and answering, so the breaker does not count it).
 *
 * @param json  the {@code result} object, or the {@code error} object, as JSON text
 * @param error whether {@code json} is the server's error
 */
public record TargetAnswer(String json, boolean error) {

    /** {@link CallOutcome#UPSTREAM_ERROR} for an error, else {@link CallOutcome#OK}. */
    public CallOutcome outcome() {
        return error ? CallOutcome.UPSTREAM_ERROR : CallOutcome.OK;
    }
}
