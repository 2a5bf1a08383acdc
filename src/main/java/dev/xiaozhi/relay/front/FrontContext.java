package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import dev.xiaozhi.relay.routing.NodeCatalog;
import dev.xiaozhi.relay.routing.TargetRouter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * What every session of a node shares: the catalog, the event bus to the targets, the result cap, the source of
 * relay-side call ids, the rate limits and the list of open sessions.
 */
public final class FrontContext {

    /** How much longer than a target's deadline a front waits before it gives up on the event bus. */
    public static final long DEADLINE_MARGIN_MS = 2_000;

    private final NodeCatalog catalog;
    private final TargetRouter router;
    private final ResultTruncator truncator;
    private final String nodeId;
    private final String serverVersion;
    private final AtomicLong callCounter = new AtomicLong();
    private final AtomicInteger frontCounter = new AtomicInteger();
    private final CallLimiter callLimiter;
    private final LiveSessions sessions = new LiveSessions();

    /**
     * Creates the context of a node.
     *
     * @param nodes how many nodes share the tenants' call limits now (1 when alone)
     */
    public FrontContext(NodeCatalog catalog, TargetRouter router, ResultTruncator truncator,
            String nodeId, String serverVersion, IntSupplier nodes) {
        this.callLimiter = new CallLimiter(nodes);
        this.catalog = catalog;
        this.router = router;
        this.truncator = truncator;
        this.nodeId = nodeId;
        this.serverVersion = serverVersion;
    }

    /** A progress router with its own address, for one more front verticle of this node. */
    public ProgressRouter newProgressRouter() {
        return new ProgressRouter(EventBusAddresses.front(nodeId, frontCounter.incrementAndGet()));
    }

    /** The node's catalog. */
    public NodeCatalog catalog() {
        return catalog;
    }

    /** Routes tool calls to an instance of their target. */
    public TargetRouter router() {
        return router;
    }

    /** Fits results into the front's cap. */
    public ResultTruncator truncator() {
        return truncator;
    }

    /** The node's tool-call rate limits. */
    public CallLimiter callLimiter() {
        return callLimiter;
    }

    /** The device sessions open on this node. */
    public LiveSessions sessions() {
        return sessions;
    }

    /** The relay's version, announced in {@code serverInfo}. */
    public String serverVersion() {
        return serverVersion;
    }

    /** A new relay-wide unique call id. */
    public String nextCallId() {
        return callId(nextSerial());
    }

    /** A new number for {@link #callId}: an id to spell out only when it is needed. */
    public long nextSerial() {
        return callCounter.incrementAndGet();
    }

    /** The relay-wide unique id of a number from {@link #nextSerial}. */
    public String callId(long serial) {
        return nodeId + "-" + serial;
    }

    /** The number a {@link #callId} of this node spells out; -1 for an id of another node, or none. */
    public long serialOf(String id) {
        int digits = nodeId.length() + 1;
        if (id == null || id.length() <= digits || !id.startsWith(nodeId) || id.charAt(nodeId.length()) != '-'
                || id.charAt(digits) == '-' || id.charAt(digits) == '+') {
            return -1;
        }
        try {
            return Long.parseLong(id, digits, id.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
