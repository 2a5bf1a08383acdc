package dev.xiaozhi.relay.admin;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * An admin API error: an HTTP status and a JSON body {@code {"error": code, "message": text, "fields": {...}}}.
 */
public final class AdminError extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> fields;

    /**
     * @param status  HTTP status
     * @param code    a stable machine-readable code
     * @param message text for people
     * @param fields  field-level messages of a validation error, by field name
     */
    public AdminError(int status, String code, String message, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fields = Map.copyOf(fields);
    }

    /** An input validation error (422). */
    public static AdminError invalid(Map<String, String> fields) {
        return new AdminError(422, "invalid", "the request has invalid fields", fields);
    }

    /** A request that is not JSON of the expected shape (400). */
    public static AdminError badRequest(String message) {
        return new AdminError(400, "bad_request", message, Map.of());
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The JSON body. */
    public JsonObject body() {
        JsonObject body = new JsonObject().put("error", code).put("message", getMessage());
        if (!fields.isEmpty()) {
            JsonObject byField = new JsonObject();
            fields.forEach(byField::put);
            body.put("fields", byField);
        }
        return body;
    }
}
