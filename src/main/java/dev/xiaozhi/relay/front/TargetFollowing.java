package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.bus.TargetNotification;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.LogLevel;
import dev.xiaozhi.relay.routing.CatalogView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one session follows of its targets' servers: the resources it subscribed to (by catalog URI, with the route
 * to the target's own URI) and the log level it set; and so which of the targets' notifications it gets. Holds no
 * map until the first subscription: most sessions never subscribe.
 */
final class TargetFollowing {

    private Map<String, TargetRoute> subscriptions;
    private LogLevel logLevel;

    /** The session subscribed to a catalog URI. */
    void subscribed(String catalogUri, TargetRoute route) {
        if (subscriptions == null) {
            subscriptions = new HashMap<>(4);
        }
        subscriptions.put(catalogUri, route);
    }

    /** The session unsubscribed from a catalog URI; the route it was subscribed by, or null. */
    TargetRoute unsubscribed(String catalogUri) {
        return subscriptions == null ? null : subscriptions.remove(catalogUri);
    }

    /** Forgets every subscription; the routes they were made by. */
    List<TargetRoute> clear() {
        if (subscriptions == null) {
            return List.of();
        }
        List<TargetRoute> routes = List.copyOf(subscriptions.values());
        subscriptions = null;
        return routes;
    }

    /** The session set its log level. */
    void level(LogLevel level) {
        logLevel = level;
    }

    /**
     * The params of what the session is to be told of a target's notification: a log message at or above its level
     * (none before it set one), {@code logger} set to the target when the server gave none; an update of a resource
     * it subscribed to, under its catalog URI. Empty when the notification does not concern it.
     */
    List<String> paramsFor(TargetNotification notification, CatalogView view) {
        JsonNode params = notification.params();
        List<String> told = new ArrayList<>(1);
        if (params == null || !params.isObject()) {
            return told;
        }
        if ("notifications/message".equals(notification.method())) {
            boolean passes = logLevel != null && LogLevel.parse(params.path("level").asText())
                    .filter(level -> level.atLeast(logLevel)).isPresent();
            if (passes && view.declared(notification.target(), "logging")) {
                ObjectNode forwarded = ((ObjectNode) params).deepCopy();
                if (!forwarded.has("logger")) {
                    forwarded.put("logger", notification.target());
                }
                told.add(forwarded.toString());
            }
            return told;
        }
        String uri = params.path("uri").asText();
        if (subscriptions == null) {
            return told;
        }
        subscriptions.forEach((catalogUri, route) -> {
            if (route.target().equals(notification.target()) && route.params().path("uri").asText().equals(uri)) {
                told.add(Json.MAPPER.createObjectNode().put("uri", catalogUri).toString());
            }
        });
        return told;
    }
}
