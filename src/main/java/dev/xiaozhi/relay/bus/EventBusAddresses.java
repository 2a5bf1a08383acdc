package dev.xiaozhi.relay.bus;

/** Every event-bus address the relay uses. */
public final class EventBusAddresses {

    /** Published when a target's tools changed; body: {@link CatalogUpdate}. */
    public static final String CATALOG_CHANGED = "relay.catalog.changed";

    /** Published when a device or tenant was revoked or changed; live sessions close or refresh. */
    public static final String REGISTRY_CHANGED = "relay.registry.changed";

    /**
     * Published by a target when its server sent a notification for sessions (log messages, resource updates);
     * body: {@link TargetNotification}. To its own node, or to every node for a target placed on one node.
     */
    public static final String TARGET_NOTIFICATIONS = "relay.target.notifications";

    /** Published (clustered) when a node asks single-placement targets to publish their tools again. */
    public static final String CATALOG_REFRESH = "relay.catalog.refresh";


    private static final String TARGET_PREFIX = "relay.target.";
    private static final String CLUSTER_TARGET_PREFIX = "relay.cluster.target.";
    private static final String CLUSTER_NODE_PREFIX = "relay.cluster.node.";
    private static final String NODE_PREFIX = "relay.node.";
    private static final String CLUSTER_HTTP_PREFIX = "relay.cluster.http.";
    private static final String CLUSTER_FLEET_PREFIX = "relay.cluster.fleet.";

    private EventBusAddresses() {
    }

    /**
     * Address of one front verticle of a node, for messages to its sessions; body: {@link ProgressUpdate}. One per
     * event loop, never one per session.
     */
    public static String front(String nodeId, int front) {
        return NODE_PREFIX + nodeId + ".front." + front;
    }

    /**
     * Address of one front verticle of a node for its sessions' {@link ClientRequest}s, next to its
     * {@link #front} address; one per event loop, never one per session.
     */
    public static String clientRequests(String frontAddress) {
        return frontAddress + ".requests";
    }

    /**
     * Node-local address of a target's verticle; bodies: {@link ToolCancel} and {@link SessionEnded}, in order after
     * the calls and requests the node hands its instance directly. It also takes {@link ToolCall} and
     * {@link TargetRequest} (request/reply).
     */
    public static String target(String targetName) {
        return TARGET_PREFIX + targetName;
    }

    /**
     * Address of a node's membership (one clustered consumer per node): a draining node asks each other node there
     * to take over its work, and gets the reply once they have. Body: the draining node's id.
     */
    public static String clusterNode(String nodeId) {
        return CLUSTER_NODE_PREFIX + nodeId;
    }

    /**
     * Address of a node's Streamable HTTP sessions (one clustered consumer per node, never one per session): other
     * nodes forward the requests of sessions this node owns there. Bodies: {@link ForwardedHttpRequest} (replies:
     * {@link ForwardedHttpPart}) and {@link ForwardedHttpCancel}.
     */
    public static String httpSessions(String nodeId) {
        return CLUSTER_HTTP_PREFIX + nodeId;
    }

    /**
     * Address of a node's part of the fleet view (one clustered consumer per node, on its admin verticle): the node
     * serving the dashboard asks each node there for its sessions, pipes, targets and history. Bodies: JSON objects.
     */
    public static String fleetNode(String nodeId) {
        return CLUSTER_FLEET_PREFIX + nodeId;
    }

    /**
     * Cluster-wide address of a target: every node's healthy instance listens on it (one registration per target
     * and node), for calls from nodes whose own instance is missing or down.
     */
    public static String clusterTarget(String targetName) {
        return CLUSTER_TARGET_PREFIX + targetName;
    }
}
