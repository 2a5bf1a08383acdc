package dev.xiaozhi.relay.secret;

/**
 * A secret reference that cannot be resolved. The message names the reference as configured (e.g.
 * {@code ${env:RAPIDAPI_KEY}}), never a value.
 */
public final class MissingSecretException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure to resolve {@code reference}, with the reason in words. */
    public MissingSecretException(String reference, String reason) {
        super("secret " + reference + " " + reason, null, false, false);
    }
}
