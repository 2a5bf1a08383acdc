package dev.xiaozhi.relay.model;

import java.util.Map;

/** A request the relay failed to do (5xx); what went wrong is in its log, not in the message. */
public final class ServerErrorException extends RelayException {

    private static final long serialVersionUID = 1L;

    /** @param status 500 to 599 */
    public ServerErrorException(int status, String code, String message) {
        super(status, code, message, Map.of());
        if (status < 500 || status >= 600) {
            throw new IllegalArgumentException("a server error has a 5xx status, not " + status);
        }
    }

    /** An unexpected failure (500). */
    public static ServerErrorException internal() {
        return new ServerErrorException(500, "internal", "internal error; see the relay's log");
    }
}
