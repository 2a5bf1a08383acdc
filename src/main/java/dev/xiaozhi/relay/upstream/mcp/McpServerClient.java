package dev.xiaozhi.relay.upstream.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.bus.CallerSession;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.bus.TargetRequest;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.LogLevel;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.upstream.ClientRequestRelay;
import dev.xiaozhi.relay.upstream.ServerOffer;
import dev.xiaozhi.relay.upstream.SessionNotifications;
import dev.xiaozhi.relay.upstream.ToolClient;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every target that is an MCP server has in common, whatever the transport: the handshake, the last good lists
 * of tools, prompts, resources and resource templates (kept while the server is down; prompts and resources listed
 * only when the server declares them), calls and other requests multiplexed under relay-side ids, cancellation,
 * progress routed back to its call, and re-listing on the server's {@code list_changed} notifications (coalesced:
 * one listing of a kind at a time). A target may keep an upstream session of its own for a downstream session
 * ({@link #ownSession}): opened lazily with what that session's client declared, ended when it ends; the server's
 * requests for a client (sampling, elicitation, roots) on it go to that session, and on the shared one to the one
 * session with calls in flight there, if there is exactly one (else the server is answered with an error at once).
 * A slow server is told from a hung one: after a call ran out of time the server is sent a {@code ping}, and one
 * that does not answer it within the target's {@code pingTimeout} is given up on ({@link #unresponsive}), while one
 * that answers stays. Subclasses bring the transport, and bring a server that went away back on the one
 * {@link #restarts} schedule.
 */
public abstract class McpServerClient implements ToolClient {

    private static final Logger LOG = LoggerFactory.getLogger(McpServerClient.class);

    /** The Vert.x instance. */
    protected final Vertx vertx;
    /** The target's configuration. */
    protected final TargetConfig config;
    /** When a server that went away is brought back. */
    protected final RestartSchedule restarts;

    private final Map<String, Tracked> calls = new HashMap<>();
    private final Map<String, Future<UpstreamSession>> ownSessions = new HashMap<>();
    private final Map<McpClientConnection, UpstreamSession> opening = new HashMap<>();
    private final Map<String, SessionScopedState> scoped = new HashMap<>();
    private McpClientConnection connection;
    private UpstreamSession shared;
    private JsonNode tools = Json.MAPPER.createArrayNode();
    private ServerOffer offer = ServerOffer.NONE;
    private Runnable offerChanged = () -> { };
    private SessionNotifications sessionNotifications = (session, method, params) -> { };
    private ClientRequestRelay clientRequests = (caller, method, params) -> Future.succeededFuture(
            new TargetAnswer("{\"code\":-32601,\"message\":\"Method not found: " + method + "\"}", true));
    private final UpstreamSubscriptions subscriptions = new UpstreamSubscriptions();
    private LogLevel logLevel;
    private BiConsumer<String, JsonNode> progress = (callId, params) -> { };
    private boolean ready;
    private boolean probing;
    private final Relisting toolRelisting = new Relisting(this::relistTools);
    private final Relisting promptRelisting = new Relisting(this::relistPrompts);
    private final Relisting resourceRelisting = new Relisting(this::relistResources);

    /** Creates the shared part of a client. */
    protected McpServerClient(Vertx vertx, TargetConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.restarts = new RestartSchedule(vertx, config.name());
    }

    /** What a call is told while the server is not ready. */
    protected abstract String notReadyMessage();

    /**
     * The server is still connected but answers nothing, not even a {@code ping}: drop it (every call in flight
     * fails with {@code reason}) and bring it back.
     */
    protected abstract void unresponsive(String reason);

    @Override
    public Future<JsonNode> listTools() {
        return Future.succeededFuture(tools);
    }

    @Override
    public ServerOffer offer() {
        return offer;
    }

    @Override
    public Future<ToolReply> call(ToolCall call) {
        if (!ready) {
            return notReady();
        }
        return sessionFor(call.caller()).compose(upstream -> track(call.callId(), upstream, call.caller(),
                upstream.connection().callTool(call.tool(), call.arguments(), call.replyTo() != null)));
    }

    /**
     * Whether a caller's work goes on an upstream session of its own ({@link #openSession}); by default never: every
     * session shares one.
     */
    protected boolean ownSession(CallerSession caller) {
        return false;
    }

    /** The most upstream sessions of their own kept at once; callers beyond share one. */
    protected int maxOwnSessions() {
        return 0;
    }

    /**
     * Opens an upstream session for a caller: a connection made with {@link #sessionConnection}, initialized (and,
     * for HTTP, its event stream open) once the future completes. Only called when {@link #ownSession} says so.
     */
    protected Future<McpClientConnection> openSession(CallerSession caller) {
        return Future.failedFuture(new UpstreamCallException(CallOutcome.TRANSPORT_FAILED,
                config.name() + " keeps no upstream sessions of its own"));
    }

    /** Ends an upstream session kept for a downstream session that is over (over HTTP: a DELETE). */
    protected void closeSession(McpClientConnection ended) {
    }

    /**
     * A new connection over {@code wire} for one caller's own upstream session: it declares what the caller's
     * client declared, and what comes on it is for that caller. The caller initializes it.
     */
    protected McpClientConnection sessionConnection(McpWire wire, CallerSession caller) {
        McpClientConnection opened = new McpClientConnection(vertx, config.name(), wire);
        opened.clientCapabilities(caller.capabilities());
        UpstreamSession upstream = new UpstreamSession(opened, caller);
        opening.put(opened, upstream);
        bind(upstream);
        return opened;
    }

    /** The upstream session a caller's work goes on: the shared one, or its own, opened now if need be. */
    private Future<UpstreamSession> sessionFor(CallerSession caller) {
        if (caller == null || !ownSession(caller)) {
            return Future.succeededFuture(shared);
        }
        Future<UpstreamSession> known = ownSessions.get(caller.id());
        if (known != null) {
            return known;
        }
        if (ownSessions.size() >= maxOwnSessions()) {
            LOG.debug("upstream sessions of their own at the limit, sharing [target: {}, limit: {}]", config.name(),
                    maxOwnSessions());
            return Future.succeededFuture(shared);
        }
        Future<UpstreamSession> opened = openSession(caller).map(connected -> opening.remove(connected))
                .onSuccess(upstream -> restore(upstream));
        ownSessions.put(caller.id(), opened);
        LOG.debug("opening an upstream session [target: {}, session: {}]", config.name(), caller.id());
        return opened.onFailure(e -> {
            opening.values().removeIf(upstream -> upstream.owner() == caller);
            if (ownSessions.get(caller.id()) == opened) {
                ownSessions.remove(caller.id());
            }
            LOG.warn("upstream session not opened [target: {}]: {}", config.name(), e.getMessage());
        });
    }

    @Override
    public void sessionEnded(String session) {
        scoped.remove(session);
        Future<UpstreamSession> own = ownSessions.remove(session);
        if (own != null) {
            own.onSuccess(ended -> {
                endOwn(ended, config.name() + ": the client's session is over");
                LOG.debug("upstream session ended [target: {}, session: {}]", config.name(), session);
            });
        }
    }

    /** Ends an upstream session of one downstream session's own: its calls fail, the server is told. */
    private void endOwn(UpstreamSession ended, String reason) {
        ended.connection().failAll(reason);
        calls.values().removeIf(tracked -> tracked.session().connection() == ended.connection());
        closeSession(ended.connection());
    }

    @Override
    public void clientRequestHandler(ClientRequestRelay relay) {
        this.clientRequests = relay;
    }

    /** A server's request for a client goes to the session it is for, when the relay can tell which. */
    private Future<JsonNode> onServerRequest(UpstreamSession upstream, String method, JsonNode params) {
        CallerSession caller = upstream.askedClient();
        if (caller == null) {
            return Future.failedFuture(new McpErrorException(Json.MAPPER.createObjectNode()
                    .put("code", JsonRpc.METHOD_NOT_FOUND).put("message", "Method not found: " + method
                            + " has no client to go to on this session")));
        }
        return clientRequests.relay(caller, method, params).compose(answer -> {
            try {
                JsonNode json = Json.parse(answer.json());
                return answer.error() ? Future.failedFuture(new McpErrorException(json))
                        : Future.succeededFuture(json);
            } catch (JsonProcessingException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /**
     * Passes a request on; resource subscriptions are counted over the target's sessions (the server hears of a
     * URI's first and last), and a log level is passed on only when it asks for more than the server sends already
     * (each session's own level is applied by the relay).
     */
    @Override
    public Future<TargetAnswer> request(TargetRequest request) {
        String uri = request.params() == null ? "" : request.params().path("uri").asText();
        CallerSession caller = request.caller();
        if (caller != null && ownSession(caller)) {
            if (!ready) {
                return notReady();
            }
            if ("resources/unsubscribe".equals(request.method()) && !ownSessions.containsKey(caller.id())) {
                return done();
            }
            SessionScopedState state = scoped.computeIfAbsent(caller.id(), id -> new SessionScopedState());
            if ("resources/subscribe".equals(request.method()) && state.full(uri)) {
                return Future.succeededFuture(new TargetAnswer(Json.MAPPER.createObjectNode()
                        .put("code", JsonRpc.INVALID_PARAMS).put("message", "Too many subscriptions: a session may "
                                + "follow at most " + SessionScopedState.MAX_SUBSCRIPTIONS + " resources of "
                                + config.name()).toString(), true));
            }
            return send(request).andThen(answer -> {
                if (answer.succeeded() && !answer.result().error()) {
                    state.accepted(request.method(), request.params());
                }
            });
        }
        if ("resources/unsubscribe".equals(request.method())) {
            return subscriptions.remove(uri, request.session()) && ready ? send(request) : done();
        }
        if (!ready) {
            return notReady();
        }
        return switch (request.method()) {
            case "resources/subscribe" -> subscriptions.add(uri, request.session())
                    ? send(request).andThen(answer -> {
                        if (answer.failed() || answer.result().error()) {
                            subscriptions.remove(uri, request.session());
                        }
                    }) : done();
            case "logging/setLevel" -> {
                Optional<LogLevel> level = LogLevel.parse(request.params().path("level").asText());
                if (level.isPresent() && (logLevel == null || level.get().compareTo(logLevel) < 0)) {
                    logLevel = level.get();
                    yield send(request);
                }
                yield done();
            }
            default -> send(request);
        };
    }

    private static Future<TargetAnswer> done() {
        return Future.succeededFuture(new TargetAnswer("{}", false));
    }

    private Future<TargetAnswer> send(TargetRequest request) {
        return sessionFor(request.caller()).compose(upstream -> track(request.callId(), upstream, request.caller(),
                upstream.connection().start(request.method(), request.params())))
                .map(result -> new TargetAnswer(result.toString(), false))
                .recover(failure -> failure instanceof McpErrorException error
                        ? Future.succeededFuture(new TargetAnswer(error.errorJson(), true))
                        : Future.failedFuture(failure));
    }

    private <T> Future<T> notReady() {
        return Future.failedFuture(new UpstreamCallException(CallOutcome.TRANSPORT_FAILED,
                config.name() + " " + notReadyMessage()));
    }

    private <T> Future<T> track(String callId, UpstreamSession upstream, CallerSession caller,
            McpClientConnection.PendingCall<T> pending) {
        calls.put(callId, new Tracked(upstream, pending.requestId()));
        upstream.started(pending.requestId(), callId, caller);
        return pending.reply().onComplete(done -> forget(callId));
    }

    @Override
    public void cancel(String callId, String reason) {
        Tracked tracked = forget(callId);
        if (tracked != null) {
            tracked.session().connection().cancel(tracked.requestId(), reason);
        }
    }

    /** Cancels the call, and pings the server unless a ping is on its way already. */
    @Override
    public void deadlineExceeded(String callId) {
        cancel(callId, "deadline exceeded");
        if (!ready || probing) {
            return;
        }
        probing = true;
        McpClientConnection current = connection;
        long timeoutMs = config.pingTimeout().toMillis();
        current.request("ping", null, timeoutMs).onComplete(answer -> {
            probing = false;
            if (answer.succeeded() || answer.cause() instanceof McpErrorException) {
                LOG.debug("call ran out of time, server answers ping [target: {}]", config.name());
            } else if (current == connection && ready) {
                LOG.warn("server answers no ping, dropping it [target: {}, ping timeout ms: {}]: {}", config.name(),
                        timeoutMs, answer.cause().getMessage());
                unresponsive(config.name() + " stopped answering (no answer to ping within "
                        + CallOutcome.duration(timeoutMs) + "); the call did not complete");
            }
        });
    }

    @Override
    public void offerChangedHandler(Runnable listener) {
        this.offerChanged = listener;
    }

    @Override
    public void sessionNotificationHandler(SessionNotifications handler) {
        this.sessionNotifications = handler;
    }

    @Override
    public void progressHandler(BiConsumer<String, JsonNode> handler) {
        this.progress = handler;
    }

    /** A new connection over {@code wire}, which becomes the current one. */
    protected McpClientConnection connect(McpWire wire) {
        McpClientConnection next = new McpClientConnection(vertx, config.name(), wire);
        connection = next;
        ownSessions.values().forEach(own -> own.onSuccess(dropped -> endOwn(dropped,
                config.name() + ": the server connection was replaced")));
        ownSessions.clear();
        shared = new UpstreamSession(next, null);
        bind(shared);
        return next;
    }

    /** The current connection, or null. */
    protected McpClientConnection connection() {
        return connection;
    }

    /**
     * Runs the handshake and the first listings on the current connection; the target is ready after it. A server
     * that fails to list its prompts or resources still serves its tools.
     */
    protected Future<Void> handshake() {
        McpClientConnection current = connection;
        long timeoutMs = config.timeout().toMillis();
        return current.initialize(RelayInfo.version(), timeoutMs)
                .compose(v -> current.listTools(timeoutMs))
                .compose(listed -> listOffer(current).map(listedOffer -> {
                    tools = listed;
                    offer = listedOffer;
                    ready = true;
                    restarts.up();
                    LOG.info("server ready [target: {}, protocol: {}, tools: {}, prompts: {}, resources: {}, "
                            + "resource templates: {}]", config.name(), current.version(), listed.size(),
                            listedOffer.prompts().size(), listedOffer.resources().size(),
                            listedOffer.resourceTemplates().size());
                    offerChanged.run();
                    restore(shared);
                    return listed;
                }))
                .mapEmpty();
    }

    /**
     * A new upstream session gets the subscriptions and the log level asked for on the one it replaces: the shared
     * one what the sharing sessions asked, one of a session's own what that session asked.
     */
    private void restore(UpstreamSession upstream) {
        if (upstream.owner() == null) {
            restore(upstream.connection(), subscriptions.uris(), Optional.ofNullable(logLevel));
        } else {
            SessionScopedState state = scoped.get(upstream.owner().id());
            if (state != null) {
                restore(upstream.connection(), state.uris(), state.level());
            }
        }
    }

    private void restore(McpClientConnection current, Set<String> uris, Optional<LogLevel> level) {
        long timeoutMs = config.timeout().toMillis();
        for (String uri : uris) {
            current.request("resources/subscribe", Json.MAPPER.createObjectNode().put("uri", uri), timeoutMs)
                    .onFailure(e -> LOG.warn("subscription not restored [target: {}]: {}", config.name(),
                            e.getMessage()));
        }
        level.ifPresent(restored -> current.request("logging/setLevel", Json.MAPPER.createObjectNode()
                .put("level", restored.wireName()), timeoutMs).onFailure(e -> LOG.warn(
                        "log level not restored [target: {}]: {}", config.name(), e.getMessage())));
    }

    /** Lists the server's prompts and resources (and templates) as far as it declares them; never fails. */
    private Future<ServerOffer> listOffer(McpClientConnection current) {
        JsonNode declared = current.capabilities();
        Future<JsonNode> promptList = declared.has("prompts")
                ? listOrKeep(current, "prompts/list", "prompts", ServerOffer.NONE.prompts())
                : Future.succeededFuture(ServerOffer.NONE.prompts());
        Future<ResourceLists> resourceLists = declared.has("resources")
                ? listResources(current, ServerOffer.NONE)
                : Future.succeededFuture(new ResourceLists(ServerOffer.NONE.resources(),
                        ServerOffer.NONE.resourceTemplates()));
        return Future.all(promptList, resourceLists).map(all -> new ServerOffer(promptList.result(),
                resourceLists.result().resources(), resourceLists.result().templates(), declared));
    }

    private Future<ResourceLists> listResources(McpClientConnection current, ServerOffer known) {
        Future<JsonNode> resources = listOrKeep(current, "resources/list", "resources", known.resources());
        Future<JsonNode> templates = listOrKeep(current, "resources/templates/list", "resourceTemplates",
                known.resourceTemplates());
        return Future.all(resources, templates).map(all -> new ResourceLists(resources.result(), templates.result()));
    }

    private Future<JsonNode> listOrKeep(McpClientConnection current, String method, String key, JsonNode known) {
        return current.list(method, key, config.timeout().toMillis()).recover(failure -> {
            LOG.warn("listing failed [target: {}, method: {}]: {}", config.name(), method, failure.getMessage());
            return Future.succeededFuture(known);
        });
    }

    /**
     * The server is gone: every call in flight fails at once as {@code TRANSPORT_FAILED} with {@code reason}; the
     * tool list stays.
     */
    protected void lost(String reason) {
        boolean wasReady = ready;
        ready = false;
        if (wasReady) {
            offerChanged.run();
        }
        calls.clear();
        if (connection != null) {
            connection.failAll(reason);
        }
        List<Future<UpstreamSession>> own = List.copyOf(ownSessions.values());
        ownSessions.clear();
        own.forEach(opened -> opened.onSuccess(lostSession -> lostSession.connection().failAll(reason)));
    }

    @Override
    public boolean available() {
        return ready;
    }

    /** Lists the tools again. */
    private Future<?> relistTools() {
        if (!ready) {
            return Future.succeededFuture();
        }
        return connection.listTools(config.timeout().toMillis()).onSuccess(listed -> {
            tools = listed;
            offerChanged.run();
        });
    }

    /** Lists prompts again; the result replaces only the prompts of what is known by then. */
    private Future<?> relistPrompts() {
        McpClientConnection current = connection;
        if (!ready || !current.capabilities().has("prompts")) {
            return Future.succeededFuture();
        }
        return listOrKeep(current, "prompts/list", "prompts", offer.prompts()).onSuccess(listed -> {
            if (current == connection) {
                offer = new ServerOffer(listed, offer.resources(), offer.resourceTemplates(), offer.capabilities());
                offerChanged.run();
            }
        });
    }

    /** Lists resources and templates again; the result replaces only those of what is known by then. */
    private Future<?> relistResources() {
        McpClientConnection current = connection;
        if (!ready || !current.capabilities().has("resources")) {
            return Future.succeededFuture();
        }
        return listResources(current, offer).onSuccess(listed -> {
            if (current == connection) {
                offer = new ServerOffer(offer.prompts(), listed.resources(), listed.templates(),
                        offer.capabilities());
                offerChanged.run();
            }
        });
    }

    /** A server's resources and resource templates. */
    private record ResourceLists(JsonNode resources, JsonNode templates) {
    }

    private Tracked forget(String callId) {
        Tracked tracked = calls.remove(callId);
        if (tracked != null) {
            tracked.session().ended(tracked.requestId());
        }
        return tracked;
    }

    /** What comes on an upstream session's connection is handled for that session. */
    private void bind(UpstreamSession upstream) {
        upstream.connection().notificationHandler((method, params) -> onNotification(upstream, method, params));
        upstream.connection().requestHandler((method, params) -> onServerRequest(upstream, method, params));
        upstream.connection().reinitializedHandler(() -> restore(upstream));
    }

    /** A call or request in flight: the upstream session it went on, under which relay-side request id. */
    private record Tracked(UpstreamSession session, long requestId) {
    }

    private void onNotification(UpstreamSession upstream, String method, JsonNode params) {
        switch (method) {
            case "notifications/tools/list_changed" -> toolRelisting.changed();
            case "notifications/prompts/list_changed" -> promptRelisting.changed();
            case "notifications/resources/list_changed" -> resourceRelisting.changed();
            case "notifications/progress" -> {
                JsonNode token = params == null ? null : params.get("progressToken");
                String callId = token != null && token.canConvertToLong() ? upstream.callId(token.asLong()) : null;
                if (callId != null) {
                    progress.accept(callId, params);
                }
            }
            case "notifications/message", "notifications/resources/updated" -> sessionNotifications.notify(
                    upstream.owner() == null ? null : upstream.owner().id(), method, params);
            default -> LOG.debug("server notification [target: {}, method: {}]", config.name(),
                    LogFields.escape(method));
        }
    }
}
