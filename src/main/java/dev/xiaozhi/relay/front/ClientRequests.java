package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.ClientRequest;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests targets' servers make of one session's client ({@code sampling/createMessage},
 * {@code elicitation/create}, {@code roots/list}), relayed: each goes down under an id of the relay's own, its answer
 * is matched back by that id, and each has its own deadline. A request whose capability the client did not declare,
 * or that finds no channel to its client, is answered with an error at once, never left to hang. Not thread-safe:
 * used on the session's context.
 */
final class ClientRequests {

    private static final Map<String, String> CAPABILITIES = Map.of("sampling/createMessage", "sampling",
            "elicitation/create", "elicitation", "roots/list", "roots");

    private final Vertx vertx;
    private final Map<String, Waiting> waiting = new HashMap<>();
    private long nextId = 1;

    ClientRequests(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The capability a client must declare for a server's request, or null when the relay relays no such method. */
    static String capabilityOf(String method) {
        return CAPABILITIES.get(method);
    }

    /**
     * Sends a server's request down to the client and waits for its answer.
     *
     * @param declared what the client declared of the relayed capabilities
     * @param channel  where the request goes, or null when the session has no channel open now
     */
    Future<TargetAnswer> relay(ClientRequest request, JsonNode declared, SessionChannel channel) {
        String capability = capabilityOf(request.method());
        if (capability == null) {
            return refused(JsonRpc.METHOD_NOT_FOUND, "Method not found: the relay passes no " + request.method()
                    + " on to clients");
        }
        if (declared == null || !declared.has(capability)) {
            return refused(JsonRpc.METHOD_NOT_FOUND, "Method not found: the client did not declare " + capability);
        }
        if (channel == null) {
            return refused(JsonRpc.INTERNAL_ERROR, "The client has no stream open to take the request");
        }
        String rawId = Long.toString(nextId++);
        Promise<TargetAnswer> answer = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, request.timeoutMs()), t -> {
            if (waiting.remove(rawId) != null) {
                answer.tryComplete(error(JsonRpc.INTERNAL_ERROR, "The client did not answer " + request.method()
                        + " within " + request.timeoutMs() + " ms"));
            }
        });
        waiting.put(rawId, new Waiting(answer, timer));
        if (!channel.send(JsonRpc.request(rawId, request.method(), request.params() == null ? null
                : request.params().toString()))) {
            answered(rawId, error(JsonRpc.INTERNAL_ERROR, "The client's stream did not take the request"));
        }
        return answer.future();
    }

    /**
     * Takes a client's response (a message with {@code result} or {@code error} and no {@code method}).
     *
     * @return whether it answered a request the relay relayed
     */
    boolean onResponse(JsonNode message) {
        JsonNode id = message.get("id");
        if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
            return false;
        }
        String rawId = id.isTextual() ? id.textValue() : id.asText();
        return message.has("error") ? answered(rawId, new TargetAnswer(Json.compact(message.get("error")), true))
                : answered(rawId, new TargetAnswer(Json.compact(message.path("result")), false));
    }

    /** Answers every request still waiting with an error: the session is over. */
    void clear(String reason) {
        for (String rawId : List.copyOf(waiting.keySet())) {
            answered(rawId, error(JsonRpc.INTERNAL_ERROR, reason));
        }
    }

    private boolean answered(String rawId, TargetAnswer answer) {
        Waiting request = waiting.remove(rawId);
        if (request == null) {
            return false;
        }
        vertx.cancelTimer(request.timer());
        request.answer().tryComplete(answer);
        return true;
    }

    private static Future<TargetAnswer> refused(int code, String message) {
        return Future.succeededFuture(error(code, message));
    }

    private static TargetAnswer error(int code, String message) {
        return new TargetAnswer(Json.MAPPER.createObjectNode().put("code", code).put("message", message).toString(),
                true);
    }

    /** A relayed request waiting for its client's answer, and its deadline's timer. */
    private record Waiting(Promise<TargetAnswer> answer, long timer) {
    }
}
