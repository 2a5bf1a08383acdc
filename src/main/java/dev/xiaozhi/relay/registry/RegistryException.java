package dev.xiaozhi.relay.registry;

/** A registry operation that cannot be done, with the HTTP status the admin API answers. */
public final class RegistryException extends RuntimeException {

    private final int status;

    /**
     * @param status  HTTP status: 404 not found, 409 conflict, 422 a limit or rule
     * @param message what is wrong, safe to show
     */
    public RegistryException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    static RegistryException notFound(String what) {
        return new RegistryException(404, what + " not found");
    }

    static RegistryException conflict(String what) {
        return new RegistryException(409, what + " already exists");
    }
}
