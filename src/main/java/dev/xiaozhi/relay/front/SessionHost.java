package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.bus.ClientRequest;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.RegistryChange;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.bus.TargetNotification;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.OfferKind;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.model.ToolPolicy;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import dev.xiaozhi.relay.routing.Catalog;
import dev.xiaozhi.relay.routing.CatalogView;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every session needs, whatever carries it; one host per front verticle, used on that verticle's context. It
 * admits sessions against their tenant's limit and accounts for them (the node's {@link LiveSessions}, the session
 * metrics, the log lines); tells each session when what it may see of the catalog changes (names, descriptions or
 * schemas, never a target's availability; tools, prompts and resources each on their own) and hands them the
 * notifications of targets' servers (log messages, resource updates) that may concern them, and their requests for a
 * session's client (sampling, elicitation, roots) on one address per verticle; applies the registry's changes (a
 * revoked device's sessions end, a changed one takes its new policy and limits); ends each session opened with a
 * device token when that token stops working (rotated out, at the end of the rotation's grace); keeps sessions alive
 * on one timer; and drains them. A front brings only its {@link SessionTransport}.
 */
public final class SessionHost {

    /** The relay ends a session because it is revoked, or its peer misbehaves. */
    public static final short CLOSE_POLICY_VIOLATION = 1008;
    /** The relay ends a session because the node is going away. */
    public static final short CLOSE_GOING_AWAY = 1001;

    private static final Logger LOG = LoggerFactory.getLogger(SessionHost.class);
    private static final long DRAIN_POLL_MS = 50;

    private final FrontContext front;
    private final DeviceDirectory devices;
    private final RelayMetrics metrics;
    private final Duration keepAliveInterval;
    /** The sessions by their serial, in the order they opened. */
    private final Map<Long, McpSession> bySerial = new LinkedHashMap<>();
    private final Collection<McpSession> sessions = bySerial.values();
    private final Map<McpSession, Long> tokenExpiries = new HashMap<>();
    private final Consumer<Catalog> catalogListener = this::onCatalogChanged;
    private Vertx vertx;
    private Context context;
    private ProgressRouter progress;
    private Catalog lastCatalog;
    private MessageConsumer<RegistryChange> registryChanges;
    private MessageConsumer<TargetNotification> targetNotifications;
    private MessageConsumer<ClientRequest> clientRequests;
    private long keepAliveTimer = -1;

    /**
     * Creates a host; every collaborator is required.
     *
     * @param devices           looks up a device's current policy and limits when the registry changed them
     * @param keepAliveInterval how often {@link SessionTransport#keepAlive} runs
     */
    public SessionHost(FrontContext front, DeviceDirectory devices, RelayMetrics metrics,
            Duration keepAliveInterval) {
        this.front = Objects.requireNonNull(front);
        this.devices = Objects.requireNonNull(devices);
        this.metrics = Objects.requireNonNull(metrics);
        this.keepAliveInterval = Objects.requireNonNull(keepAliveInterval);
    }

    /** Starts following the catalog, the registry and the keep-alive clock, on the calling verticle's context. */
    public Future<Void> start(Vertx owner) {
        vertx = owner;
        context = owner.getOrCreateContext();
        lastCatalog = front.catalog().current();
        front.catalog().addListener(catalogListener);
        long millis = keepAliveInterval.toMillis();
        keepAliveTimer = owner.setPeriodic(millis, millis, id -> keepAlive());
        progress = front.newProgressRouter();
        registryChanges = owner.eventBus().consumer(EventBusAddresses.REGISTRY_CHANGED,
                message -> onRegistryChanged(message.body()));
        targetNotifications = owner.eventBus().consumer(EventBusAddresses.TARGET_NOTIFICATIONS,
                message -> onTargetNotification(message.body()));
        clientRequests = owner.eventBus().consumer(EventBusAddresses.clientRequests(progress.address()),
                message -> onClientRequest(message.body()).onSuccess(message::reply));
        return Future.all(List.of(progress.start(owner), registryChanges.completion(),
                targetNotifications.completion(), clientRequests.completion())).mapEmpty();
    }

    /**
     * Stops following the catalog and the registry; sessions are left to {@link #drain}, whose sessions the
     * keep-alive clock keeps alive until they end.
     */
    public Future<Void> stop() {
        front.catalog().removeListener(catalogListener);
        return Future.join(registryChanges.unregister(), targetNotifications.unregister(),
                clientRequests.unregister()).mapEmpty();
    }

    /**
     * Reserves a place for a new session of a device that no device token opens (a pipe, a local client).
     *
     * @return the place, or null when the device's tenant already has {@code maxSessions} open on this node
     */
    public LiveSession admit(DeviceIdentity identity, FrontKind kind, String remote) {
        return admit(identity, kind, remote, null);
    }

    /**
     * Reserves a place for a new session of a device opened with a device token; the session ends when that token
     * stops working.
     *
     * @param credential the token's hash
     * @return the place, or null when the device's tenant already has {@code maxSessions} open on this node
     */
    public LiveSession admit(DeviceIdentity identity, FrontKind kind, String remote, TokenHash credential) {
        return front.sessions().tryOpen(identity, kind, remote, credential);
    }

    /** Gives back a place that no session took (the upgrade failed). */
    public void release(LiveSession place) {
        front.sessions().closed(place);
    }

    /** Opens a session in an admitted place; its transport reports the end through {@link #ended}. */
    public McpSession open(LiveSession place, DeviceIdentity identity, SessionTransport transport) {
        return open(place, identity, transport, front.truncator());
    }

    /**
     * Opens a session whose results are cut to a cap of its own front's rather than the node's
     * {@code server.maxResultBytes} (the Xiaozhi cloud's): the Streamable HTTP front's clients take far larger ones.
     */
    public McpSession open(LiveSession place, DeviceIdentity identity, SessionTransport transport,
            ResultTruncator resultCap) {
        McpSession session = new McpSession(identity, transport, this, place, resultCap);
        bySerial.put(session.serial(), session);
        metrics.sessionOpened();
        metrics.history().sessionOpened(identity.tenant(), identity.device(), transport.kind().label());
        LOG.info("session opened [tenant: {}, device: {}, front: {}, remote: {}]", identity.tenant(),
                identity.device(), transport.kind().label(), transport.remote());
        int perDevice = identity.limits().maxSessionsPerDevice();
        front.sessions().opened(place, perDevice, () -> context.runOnContext(v -> {
            LOG.info("session ends: a newer one is over the device's limit [tenant: {}, device: {}, limit: {}]",
                    identity.tenant(), identity.device(), perDevice);
            transport.end(CLOSE_POLICY_VIOLATION, "replaced by a newer session");
        }));
        followToken(session);
        return session;
    }

    /**
     * The session is over (its transport is gone for good): calls in flight are cancelled at their targets and the
     * session is no longer counted. Idempotent.
     *
     * @param detail why, for the log line (a close code, "idle", …)
     */
    public void ended(McpSession session, String detail) {
        if (!bySerial.remove(session.serial(), session)) {
            return;
        }
        Long expiry = tokenExpiries.remove(session);
        if (expiry != null) {
            vertx.cancelTimer(expiry);
        }
        session.onClosed();
        front.sessions().closed(session.place());
        metrics.sessionClosed();
        metrics.history().sessionClosed(session.identity().tenant(), session.identity().device(),
                session.transport().kind().label());
        LOG.info("session closed [tenant: {}, device: {}, front: {}, {}]", session.identity().tenant(),
                session.identity().device(), session.transport().kind().label(), detail);
    }

    private boolean holds(McpSession session) {
        return bySerial.get(session.serial()) == session;
    }

    /** The session of a relay-wide id, if this host holds it. */
    private McpSession byId(String id) {
        long serial = front.serialOf(id);
        return serial < 0 ? null : bySerial.get(serial);
    }

    /** The sessions of this host, in the order they opened. */
    public List<McpSession> sessions() {
        return List.copyOf(sessions);
    }

    /** Tool calls in flight over every session of this host. */
    public int pendingCalls() {
        int pending = 0;
        for (McpSession session : sessions) {
            pending += session.pendingCalls();
        }
        return pending;
    }

    /**
     * Drains. Sessions that outlive their connections (Streamable HTTP: {@link SessionTransport#endsGraduallyOnDrain})
     * go on being served and end one after another, spread over the grace, each once no call of its is in flight, so
     * that their clients start over on other nodes a few at a time rather than all at once; every other session ends
     * once no call of those is in flight. Whatever is still in flight when the grace is over is answered with a tool
     * error; every session ends as going away (1001), and the keep-alive clock stops.
     */
    public Future<Void> drain(Duration grace) {
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        List<McpSession> gradual = new ArrayList<>();
        List<McpSession> atOnce = new ArrayList<>();
        for (McpSession session : sessions) {
            (session.transport().endsGraduallyOnDrain() ? gradual : atOnce).add(session);
        }
        List<Future<Void>> ending = new ArrayList<>();
        ending.add(endWhenQuiet(atOnce, start, deadline));
        for (int i = 0; i < gradual.size(); i++) {
            ending.add(endWhenQuiet(List.of(gradual.get(i)), start + grace.toNanos() * i / gradual.size(), deadline));
        }
        return Future.join(ending).<Void>mapEmpty().eventually(() -> endAll(List.copyOf(sessions))).eventually(() -> {
            vertx.cancelTimer(keepAliveTimer);
            return Future.succeededFuture();
        });
    }

    /** The node's shared parts: catalog, router, limits. */
    FrontContext front() {
        return front;
    }

    /** A session's call for a target was refused by the rate limit. */
    void rateLimited(DeviceIdentity identity, String target) {
        metrics.history().rateLimited(identity.tenant(), identity.device(), target);
    }

    /** The Vert.x instance of the verticle that owns this host. */
    Vertx vertx() {
        return vertx;
    }

    /** The progress router of the verticle that owns this host. */
    ProgressRouter progress() {
        return progress;
    }

    /** A notification for one session goes to that session alone; one for sessions to every session. */
    private void onTargetNotification(TargetNotification notification) {
        if (notification.session() == null) {
            List.copyOf(sessions).forEach(session -> session.onTargetNotification(notification));
        } else {
            McpSession session = byId(notification.session());
            if (session != null) {
                session.onTargetNotification(notification);
            }
        }
    }

    /** A server's request for a session's client; one for a session that is gone is refused at once. */
    private Future<TargetAnswer> onClientRequest(ClientRequest request) {
        McpSession session = byId(request.session());
        if (session == null) {
            return Future.succeededFuture(new TargetAnswer("{\"code\":-32603,\"message\":\"The client's session is "
                    + "over\"}", true));
        }
        return session.onClientRequest(request);
    }

    private void keepAlive() {
        long now = System.nanoTime();
        for (McpSession session : List.copyOf(sessions)) {
            session.transport().keepAlive(now);
        }
    }

    private void onCatalogChanged(Catalog catalog) {
        context.runOnContext(v -> {
            Catalog previous = lastCatalog;
            lastCatalog = catalog;
            Map<ToolPolicy, Set<OfferKind>> changed = new HashMap<>();
            for (McpSession session : List.copyOf(sessions)) {
                ToolPolicy policy = session.identity().policy();
                tell(session, changed.computeIfAbsent(policy, p -> changes(previous.view(p), catalog.view(p))));
            }
        });
    }

    private void onRegistryChanged(RegistryChange change) {
        for (McpSession session : List.copyOf(sessions)) {
            DeviceIdentity identity = session.identity();
            if (!change.concerns(identity.tenant(), identity.device())) {
                continue;
            }
            if (change.revoked()) {
                LOG.info("session ends: revoked [tenant: {}, device: {}]", identity.tenant(), identity.device());
                session.transport().end(CLOSE_POLICY_VIOLATION, "revoked");
            } else {
                devices.lookup(identity.tenant(), identity.device()).onSuccess(updated -> updated.ifPresentOrElse(
                        next -> {
                            refresh(session, next);
                            followToken(session);
                        },
                        () -> session.transport().end(CLOSE_POLICY_VIOLATION, "revoked")));
            }
        }
    }

    /**
     * Asks until when the token a session was opened with still works, and ends the session then: at once when it no
     * longer does, otherwise on a timer that asks again (a later change may have shortened it).
     */
    private void followToken(McpSession session) {
        TokenHash credential = session.place().credential();
        if (credential == null) {
            return;
        }
        DeviceIdentity identity = session.identity();
        devices.tokenValidUntil(identity.tenant(), identity.device(), credential.toString()).onSuccess(until -> {
            if (!holds(session)) {
                return;
            }
            Long previous = tokenExpiries.remove(session);
            if (previous != null) {
                vertx.cancelTimer(previous);
            }
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                LOG.info("session ends: its token was rotated out [tenant: {}, device: {}]", identity.tenant(),
                        identity.device());
                session.transport().end(CLOSE_POLICY_VIOLATION, "token rotated out");
            } else if (until != Long.MAX_VALUE) {
                tokenExpiries.put(session, vertx.setTimer(left, id -> {
                    tokenExpiries.remove(session);
                    followToken(session);
                }));
            }
        });
    }

    private void refresh(McpSession session, DeviceIdentity updated) {
        Catalog catalog = front.catalog().current();
        Set<OfferKind> changed = changes(catalog.view(session.identity().policy()), catalog.view(updated.policy()));
        session.updateIdentity(updated);
        tell(session, changed);
    }

    /** What a client reads differently in {@code next} than in {@code previous}. */
    private static Set<OfferKind> changes(CatalogView previous, CatalogView next) {
        Set<OfferKind> changed = EnumSet.noneOf(OfferKind.class);
        for (OfferKind kind : OfferKind.values()) {
            if (previous.signature(kind) != next.signature(kind)) {
                changed.add(kind);
            }
        }
        return changed;
    }

    /** Tells a session what changed: its tools through its transport (a pipe re-handshakes), the rest directly. */
    private static void tell(McpSession session, Set<OfferKind> changed) {
        if (changed.contains(OfferKind.TOOL)) {
            session.transport().catalogChanged(session);
        }
        if (changed.contains(OfferKind.PROMPT)) {
            session.promptsChanged();
        }
        if (changed.contains(OfferKind.RESOURCE)) {
            session.resourcesChanged();
        }
    }

    /** Ends sessions once it is {@code notBefore} and no call of theirs is in flight, or at the deadline. */
    private Future<Void> endWhenQuiet(List<McpSession> group, long notBefore, long deadline) {
        Promise<Void> quiet = Promise.promise();
        awaitQuiet(group, notBefore, deadline, quiet);
        return quiet.future().compose(v -> endAll(group));
    }

    /** Ends those of the sessions that are still open as going away, failing their calls in flight. */
    private Future<Void> endAll(List<McpSession> group) {
        List<Future<Void>> ending = new ArrayList<>();
        for (McpSession session : group) {
            if (holds(session)) {
                session.failPendingCalls("the relay is shutting down; please retry");
                ending.add(session.transport().end(CLOSE_GOING_AWAY, "relay shutting down"));
            }
        }
        return Future.join(ending).mapEmpty();
    }

    private void awaitQuiet(List<McpSession> group, long notBefore, long deadline, Promise<Void> quiet) {
        long now = System.nanoTime();
        int pending = 0;
        for (McpSession session : group) {
            pending += session.pendingCalls();
        }
        if (now >= deadline || now >= notBefore && pending == 0) {
            if (pending > 0) {
                LOG.warn("grace period over with calls in flight [calls: {}]", pending);
            }
            quiet.complete();
            return;
        }
        long waitMs = now < notBefore ? Math.max(1, (notBefore - now) / 1_000_000) : DRAIN_POLL_MS;
        vertx.setTimer(waitMs, id -> awaitQuiet(group, notBefore, deadline, quiet));
    }
}
