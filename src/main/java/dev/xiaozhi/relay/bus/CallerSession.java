package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The downstream session a {@link ToolCall} or {@link TargetRequest} comes from, as a target sees it: which upstream
 * session the work belongs on and where the server's own requests ({@code sampling/createMessage},
 * {@code elicitation/create}, {@code roots/list}) for that session go.
 *
 * @param id           relay-wide id of the session
 * @param address      where a {@link ClientRequest} for the session goes: its front verticle's, one per event loop
 * @param capabilities what the session's client declared of {@code sampling}, {@code elicitation} and {@code roots}
 *                     and the relay passes on (an object, empty when nothing)
 * @param scoped       whether the session does session-scoped work (it declared one of those, subscribes to
 *                     resources or set a log level), so that a target with {@code sessions: auto} gives it an
 *                     upstream session of its own
 */
public record CallerSession(String id, String address, JsonNode capabilities, boolean scoped) {

    /** Whether the session's client declared a capability ({@code sampling}, {@code elicitation}, {@code roots}). */
    public boolean declared(String capability) {
        return capabilities != null && capabilities.has(capability);
    }
}
