package dev.xiaozhi.relay.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CallerSession;
import dev.xiaozhi.relay.bus.TargetAnswer;
import io.vertx.core.Future;

/** Takes a server's request for a client to the downstream session it belongs to ({@link ToolClient}). */
@FunctionalInterface
public interface ClientRequestRelay {

    /**
     * Relays one request; the future holds the client's answer, or the error the relay answers with (never fails).
     *
     * @param caller the session it belongs to
     */
    Future<TargetAnswer> relay(CallerSession caller, String method, JsonNode params);
}
