package dev.xiaozhi.relay.model;

import java.util.Map;

/** A request that cannot be done as it is (4xx): something unknown, already there, refused or malformed. */
public final class ClientErrorException extends RelayException {

    private static final long serialVersionUID = 1L;

    /** @param status 400 to 499 */
    public ClientErrorException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    private ClientErrorException(int status, String code, String message, Map<String, String> fields) {
        super(status, code, message, fields);
        if (status < 400 || status >= 500) {
            throw new IllegalArgumentException("a client error has a 4xx status, not " + status);
        }
    }

    /** Something that does not exist (404). */
    public static ClientErrorException notFound(String what) {
        return new ClientErrorException(404, "not_found", what + " not found");
    }

    /** Something that exists already (409). */
    public static ClientErrorException conflict(String what) {
        return new ClientErrorException(409, "conflict", what + " already exists");
    }

    /** A request that breaks a limit or rule (422). */
    public static ClientErrorException refused(String message) {
        return new ClientErrorException(422, "refused", message);
    }

    /** A request with invalid fields (422), each with its message. */
    public static ClientErrorException invalid(Map<String, String> fields) {
        return new ClientErrorException(422, "invalid", "the request has invalid fields", fields);
    }

    /** A request that is not of the expected shape (400). */
    public static ClientErrorException badRequest(String message) {
        return new ClientErrorException(400, "bad_request", message);
    }
}
