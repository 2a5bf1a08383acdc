package dev.xiaozhi.relay.config;

/** A configuration that cannot be used; the message is {@code <key.path>: <what was expected>}, never a secret. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message {@code <key.path>: <what was expected>} */
    public ConfigException(String message) {
        super(message);
    }
}
