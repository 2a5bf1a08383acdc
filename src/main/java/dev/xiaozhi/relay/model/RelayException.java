package dev.xiaozhi.relay.model;

import java.util.Map;

/**
 * A request the relay cannot do, travelling as a failed future: an HTTP-like status, a stable machine-readable code
 * and a message safe to show. {@link ClientErrorException} (4xx) says the request was at fault,
 * {@link ServerErrorException} (5xx) the relay; the admin API answers with the status and code as they are.
 */
public abstract class RelayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final Map<String, String> fields;

    /**
     * @param status  the HTTP-like status
     * @param code    a stable machine-readable code, such as {@code not_found}
     * @param message what is wrong, safe to show
     * @param fields  field-level messages of a validation error, by field name
     */
    protected RelayException(int status, String code, String message, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fields = Map.copyOf(fields);
    }

    /** A client or server error, as the status (400 to 599) says. */
    public static RelayException of(int status, String code, String message) {
        return status >= 500 ? new ServerErrorException(status, code, message)
                : new ClientErrorException(status, code, message);
    }

    /** The HTTP-like status. */
    public int status() {
        return status;
    }

    /** The stable machine-readable code. */
    public String code() {
        return code;
    }

    /** Field-level messages of a validation error, by field name; empty for other errors. */
    public Map<String, String> fields() {
        return fields;
    }
}
