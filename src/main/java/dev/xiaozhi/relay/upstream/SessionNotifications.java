package dev.xiaozhi.relay.upstream;

import com.fasterxml.jackson.databind.JsonNode;

/** Receives a target's server's notifications for sessions ({@link ToolClient#sessionNotificationHandler}). */
@FunctionalInterface
public interface SessionNotifications {

    /**
     * One notification.
     *
     * @param session the downstream session it is for, when it came on that session's own upstream session; null
     *                when it came on the upstream session the target's sessions share
     */
    void notify(String session, String method, JsonNode params);
}
