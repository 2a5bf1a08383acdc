package dev.xiaozhi.relay.ops;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an outbound pipe is doing. */
public enum PipeState {

    /** Dialling (or waiting for a connect slot). */
    CONNECTING,
    /** The socket is up and serving the cloud. */
    CONNECTED,
    /** Waiting before the next attempt. */
    BACKOFF,
    /** The cloud refused the endpoint's token (401/403); retried at the backoff cap. */
    UNAUTHORIZED;

    /** The lowercase name used in JSON and metric tags. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
