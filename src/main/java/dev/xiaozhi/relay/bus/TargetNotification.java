package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A notification of a target's server that concerns sessions ({@code notifications/message},
 * {@code notifications/resources/updated}), published on {@link EventBusAddresses#TARGET_NOTIFICATIONS} for the
 * session hosts to hand to the sessions it concerns.
 *
 * @param target  the target whose server sent it
 * @param method  the notification's method
 * @param params  its params, in the target's own URIs
 * @param session the downstream session it is for when it came on that session's own upstream session, or null
 *                when it came on the upstream session the target's sessions share
 */
public record TargetNotification(String target, String method, JsonNode params, String session) {
}
