package dev.xiaozhi.relay.upstream.builtin.calculator;

/** Why an expression could not be evaluated, in words meant for the person (or model) who wrote it. */
public final class CalculatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message the user-facing reason */
    public CalculatorException(String message) {
        super(message, null, false, false);
    }
}
