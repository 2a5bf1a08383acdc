package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.bus.CallerSession;
import dev.xiaozhi.relay.bus.ClientRequest;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.bus.TargetNotification;
import dev.xiaozhi.relay.bus.TargetRequest;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.LogLevel;
import dev.xiaozhi.relay.protocol.McpVersions;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.protocol.Utf8;
import dev.xiaozhi.relay.routing.CatalogEntry;
import dev.xiaozhi.relay.routing.CatalogView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's MCP conversation, as the server side, independent of the transport. {@code initialize},
 * {@code ping} and the list methods ({@code tools/list}, {@code prompts/list}, {@code resources/list},
 * {@code resources/templates/list}) are answered from the node's own state; {@code tools/call} and the requests for
 * prompts and resources travel over the event bus to the target and the reply goes back under the device's own id.
 * Requests of the targets' servers for the client (sampling, elicitation, roots) come back to the session it
 * belongs to and go down to its client ({@link ClientRequests}); each call tells its target which session it comes
 * from ({@link CallerSession}), so that session-scoped work goes on an upstream session of its own.
 * Not thread-safe: a session lives on the event loop of the verticle that owns it.
 */
public final class McpSession {

    private static final Logger LOG = LoggerFactory.getLogger(McpSession.class);
    /** What a client that declared none of the relayed capabilities has; shared, never changed. */
    private static final JsonNode NO_CAPABILITIES = Json.MAPPER.createObjectNode();

    private DeviceIdentity identity;
    private final SessionTransport transport;
    private final SessionHost host;
    private final LiveSession place;
    private final ResultTruncator truncator;
    /** The calls waiting for their target, by raw id; the shared empty map until the first call. */
    private Map<String, PendingCall> pending = Collections.emptyMap();
    /** Its subscriptions and log level; made when first needed. */
    private TargetFollowing following;
    /** Requests relayed to the client and not yet answered; made at the first. */
    private ClientRequests clientRequests;
    /** Targets this session sent anything, told when it ends; made at the first. */
    private Set<String> targetsCalled = Set.of();
    /** Spells out the session's relay-wide id ({@link FrontContext#callId}) only when it is needed. */
    private final long serial;
    private String version;
    private JsonNode clientCapabilities = NO_CAPABILITIES;
    private boolean scoped;
    private boolean closed;

    /** Created by {@link SessionHost#open}; {@code truncator} fits this session's results into its front's cap. */
    McpSession(DeviceIdentity identity, SessionTransport transport, SessionHost host, LiveSession place,
            ResultTruncator truncator) {
        this.identity = identity;
        this.transport = transport;
        this.host = host;
        this.place = place;
        this.truncator = truncator;
        this.serial = host.front().nextSerial();
    }

    /** The node-wide number of the session, which its id spells out. */
    long serial() {
        return serial;
    }

    /** The relay-wide id of the session. */
    String id() {
        return host.front().callId(serial);
    }

    /** The device on the other end. */
    public DeviceIdentity identity() {
        return identity;
    }

    /** What carries the session. */
    public SessionTransport transport() {
        return transport;
    }

    /** The protocol revision negotiated by {@code initialize}; null until the session is initialized. */
    public String protocolVersion() {
        return version;
    }

    /** The session's entry among the node's live sessions. */
    LiveSession place() {
        return place;
    }

    /** Takes a device's new policy and limits (the registry changed them); the host tells the peer. */
    void updateIdentity(DeviceIdentity updated) {
        identity = updated;
    }

    /** The part of the catalog this session may see now. */
    public CatalogView view() {
        return host.front().catalog().current().view(identity.policy());
    }

    /** Number of tool calls and other requests waiting for their target. */
    public int pendingCalls() {
        return pending.size();
    }

    /**
     * Handles one received text message: a JSON-RPC request, notification, response or batch. Replies, and the
     * progress of the calls it starts, go on {@code channel}: the one the message came on.
     */
    public void onMessage(String text, SessionChannel channel) {
        JsonNode message;
        try {
            message = Json.parse(text);
        } catch (JsonProcessingException e) {
            LOG.debug("unparsable message [tenant: {}, device: {}]", identity.tenant(), identity.device());
            send(channel, JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.PARSE_ERROR,
                    "Parse error: not a single valid JSON value"));
            return;
        }
        answer(message, channel).onSuccess(reply -> send(channel, reply));
    }

    /**
     * Handles one parsed message or batch like {@link #onMessage}, but hands its reply back instead of sending it,
     * for transports that answer each request on its own response (Streamable HTTP). What comes before the reply
     * (a call's progress) still goes on {@code channel}.
     *
     * @return the reply (a response, an error, or a batch's array), or null when none is due; null too once the
     *         session ended
     */
    public Future<String> answer(JsonNode message, SessionChannel channel) {
        Future<String> reply = message.isArray() ? onBatch(message, channel) : handle(message, channel);
        return reply.map(json -> closed ? null : json);
    }

    /** Tells the peer that its tool list changed, once the session is initialized. */
    public void toolsChanged() {
        notifySession("notifications/tools/list_changed", null);
    }

    /** Tells the peer that its prompt list changed, once the session is initialized. */
    void promptsChanged() {
        notifySession("notifications/prompts/list_changed", null);
    }

    /** Tells the peer that its resource or template list changed, once the session is initialized. */
    void resourcesChanged() {
        notifySession("notifications/resources/list_changed", null);
    }

    /** Hands on a target's notification if it concerns this session ({@link TargetFollowing#paramsFor}). */
    void onTargetNotification(TargetNotification notification) {
        if (version != null) {
            following().paramsFor(notification, view()).forEach(params -> notifySession(notification.method(),
                    params));
        }
    }

    /**
     * Who the session is to its targets: its id, where their servers' requests for its client go, what its client
     * declared of them, and whether it does session-scoped work.
     */
    private CallerSession caller() {
        return new CallerSession(id(), EventBusAddresses.clientRequests(host.progress().address()), clientCapabilities,
                scoped);
    }

    /**
     * Relays a target's server's request to the client: on the stream of a call of that target in flight, else on
     * the session's notification stream; the future holds the client's answer, or the error it came to.
     */
    Future<TargetAnswer> onClientRequest(ClientRequest request) {
        SessionChannel channel = closed || version == null ? null : transport.notifications();
        for (PendingCall call : pending.values()) {
            if (!closed && call.target.equals(request.target()) && call.channel != null) {
                channel = call.channel;
            }
        }
        LOG.debug("server request for the client [tenant: {}, device: {}, target: {}, method: {}]",
                identity.tenant(), identity.device(), request.target(), LogFields.escape(echo(request.method())));
        if (clientRequests == null) {
            clientRequests = new ClientRequests(host.vertx());
        }
        return clientRequests.relay(request, clientCapabilities, channel);
    }

    private void notifySession(String method, String paramsJson) {
        if (version != null) {
            send(transport.notifications(), JsonRpc.notification(method, paramsJson));
        }
    }

    /** Answers every pending call with a tool error (other requests with an error), e.g. when the node stops. */
    public void failPendingCalls(String text) {
        for (Map.Entry<String, PendingCall> entry : List.copyOf(pending.entrySet())) {
            pending.remove(entry.getKey());
            entry.getValue().cancel(text);
            entry.getValue().response.tryComplete(entry.getValue().toolCall
                    ? JsonRpc.response(entry.getKey(), ToolResults.error(text))
                    : JsonRpc.error(entry.getKey(), JsonRpc.INTERNAL_ERROR, text));
        }
    }

    /** The session ended: pending calls are cancelled at their targets and nothing more is sent. */
    void onClosed() {
        closed = true;
        if (following != null) {
            following.clear().forEach(this::unsubscribe);
        }
        if (clientRequests != null) {
            clientRequests.clear("The client's session is over");
        }
        targetsCalled.forEach(target -> host.front().router().sessionEnded(target, id()));
        for (PendingCall call : List.copyOf(pending.values())) {
            call.cancel("session closed");
            call.response.tryComplete(null);
        }
        pending.clear();
    }

    private void send(SessionChannel channel, String json) {
        if (json != null && channel != null && !closed) {
            channel.send(json);
        }
    }

    private Future<String> onBatch(JsonNode batch, SessionChannel channel) {
        if (batch.isEmpty()) {
            return reply(JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.INVALID_REQUEST, "Invalid Request: empty batch"));
        }
        if (!McpVersions.allowsBatches(version)) {
            return reply(JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: batches are only supported under protocol version " + McpVersions.V2025_03_26));
        }
        List<Future<String>> replies = new ArrayList<>(batch.size());
        batch.forEach(message -> replies.add(handle(message, channel)));
        return Future.join(replies).transform(done -> {
            StringBuilder array = new StringBuilder("[");
            for (Future<String> reply : replies) {
                if (reply.result() != null) {
                    array.append(array.length() > 1 ? "," : "").append(reply.result());
                }
            }
            return reply(array.length() > 1 ? array.append(']').toString() : null);
        });
    }

    /** Handles one message; the future holds the reply, or null when none is due. */
    private Future<String> handle(JsonNode message, SessionChannel channel) {
        if (!message.isObject()) {
            return reply(JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: expected a JSON object"));
        }
        JsonNode id = message.get("id");
        if (id != null && !id.isTextual() && !id.isIntegralNumber()) {
            return reply(JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: id must be a string or an integer"));
        }
        String rawId = id == null ? JsonRpc.NULL_ID : Json.compact(id);
        if (!"2.0".equals(message.path("jsonrpc").textValue())) {
            return reply(JsonRpc.error(rawId, JsonRpc.INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\""));
        }
        JsonNode method = message.get("method");
        if (method == null && (message.has("result") || message.has("error"))) {
            if (clientRequests == null || !clientRequests.onResponse(message)) {
                LOG.debug("response to no relayed request [tenant: {}, device: {}]", identity.tenant(),
                        identity.device());
            }
            return reply(null);
        }
        if (method == null || !method.isTextual()) {
            return reply(id == null ? null
                    : JsonRpc.error(rawId, JsonRpc.INVALID_REQUEST, "Invalid Request: method must be a string"));
        }
        JsonNode params = message.get("params");
        if (id == null) {
            onNotification(method.textValue(), params);
            return reply(null);
        }
        if (params != null && !params.isObject() && !params.isNull()) {
            return reply(JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: params must be an object"));
        }
        return onRequest(rawId, method.textValue(), params == null || params.isNull() ? null : params, channel);
    }

    private Future<String> onRequest(String rawId, String method, JsonNode params, SessionChannel channel) {
        switch (method) {
            case "initialize":
                return reply(initialize(rawId, params));
            case "ping":
                return reply(JsonRpc.response(rawId, "{}"));
            default:
                break;
        }
        if (version == null) {
            return reply(JsonRpc.error(rawId, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: " + method + " before initialize"));
        }
        return switch (method) {
            case "tools/list" -> reply(list(rawId, params, view()::page));
            case "prompts/list" -> reply(list(rawId, params, view()::promptPage));
            case "resources/list" -> reply(list(rawId, params, view()::resourcePage));
            case "resources/templates/list" -> reply(list(rawId, params, view()::templatePage));
            case "tools/call" -> callTool(rawId, params, channel);
            case "prompts/get" -> forward(rawId, TargetRoutes.promptGet(params, view()), channel);
            case "resources/read" -> forward(rawId, TargetRoutes.resourceRead(params, view()), channel);
            case "resources/subscribe" -> subscribe(rawId, params, channel);
            case "resources/unsubscribe" -> unsubscribe(rawId, params);
            case "completion/complete" -> forward(rawId, TargetRoutes.complete(params, view()), channel);
            case "logging/setLevel" -> reply(setLevel(rawId, params));
            default -> reply(JsonRpc.error(rawId, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + echo(method)));
        };
    }

    private String initialize(String rawId, JsonNode params) {
        if (version != null) {
            return JsonRpc.error(rawId, JsonRpc.INVALID_REQUEST, "Invalid Request: session already initialized");
        }
        JsonNode requested = params == null ? null : params.get("protocolVersion");
        if (requested == null || !requested.isTextual()) {
            return JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: protocolVersion must be a string");
        }
        version = McpVersions.negotiate(requested.textValue());
        JsonNode declared = params.path("capabilities");
        if (transport.kind().relaysClientRequests() && declared.isObject()) {
            ObjectNode relayed = Json.MAPPER.createObjectNode();
            for (String capability : List.of("sampling", "elicitation", "roots")) {
                if (declared.get(capability) != null && declared.get(capability).isObject()) {
                    relayed.set(capability, declared.get(capability).deepCopy());
                }
            }
            scoped = !relayed.isEmpty();
            clientCapabilities = scoped ? relayed : NO_CAPABILITIES;
        }
        LOG.info("session initialized [tenant: {}, device: {}, protocol: {}, client: {}]", identity.tenant(),
                identity.device(), version,
                LogFields.escape(echo(params.path("clientInfo").path("name").asText("?"))));
        return JsonRpc.response(rawId, "{\"protocolVersion\":\"" + version + "\",\"capabilities\":"
                + ServerCapabilities.of(view()) + ",\"serverInfo\":{\"name\":\"" + RelayInfo.NAME + "\",\"version\":"
                + Json.quote(host.front().serverVersion()) + "}}");
    }

    private String list(String rawId, JsonNode params, Function<String, Optional<String>> pages) {
        JsonNode cursor = params == null ? null : params.get("cursor");
        if (cursor != null && !cursor.isNull() && !cursor.isTextual()) {
            return JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: cursor must be a string");
        }
        Optional<String> page = pages.apply(cursor == null || cursor.isNull() ? null : cursor.textValue());
        return page.map(result -> JsonRpc.response(rawId, result))
                .orElseGet(() -> JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: unknown cursor"));
    }

    private Future<String> callTool(String rawId, JsonNode params, SessionChannel channel) {
        JsonNode name = params == null ? null : params.get("name");
        if (name == null || !name.isTextual()) {
            return reply(JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: name must be a string"));
        }
        JsonNode arguments = params.get("arguments");
        if (arguments == null || arguments.isNull()) {
            arguments = Json.MAPPER.createObjectNode();
        } else if (!arguments.isObject()) {
            return reply(JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: arguments must be an object"));
        }
        Optional<CatalogEntry> tool = view().find(name.textValue());
        if (tool.isEmpty()) {
            return reply(JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Unknown tool: " + echo(name.textValue())));
        }
        String refused = admit(rawId, tool.get().target());
        if (refused != null) {
            return reply(refused);
        }
        JsonNode progressToken = params.path("_meta").get("progressToken");
        boolean wantsProgress = progressToken != null
                && (progressToken.isTextual() || progressToken.isIntegralNumber());
        return dispatch(rawId, tool.get(), arguments, wantsProgress ? progressToken : null, channel);
    }

    /** Why a request that goes to a target may not go now (its id is in use, the rate limit), or null. */
    private String admit(String rawId, String target) {
        if (pending.containsKey(rawId)) {
            return JsonRpc.error(rawId, JsonRpc.INVALID_REQUEST, "Invalid Request: id already in use");
        }
        long retryAfterMs = host.front().callLimiter().tryAcquire(identity);
        if (retryAfterMs > 0) {
            host.rateLimited(identity, target);
            LOG.debug("call rate limited [tenant: {}, device: {}, retry after ms: {}]", identity.tenant(),
                    identity.device(), retryAfterMs);
            return JsonRpc.error(rawId, JsonRpc.RATE_LIMITED, "Rate limit exceeded: retry in "
                    + Math.max(1, (retryAfterMs + 999) / 1000) + " s", "{\"retryAfterMs\":" + retryAfterMs + "}");
        }
        return null;
    }

    private Future<String> subscribe(String rawId, JsonNode params, SessionChannel channel) {
        TargetRoute route = TargetRoutes.subscription("resources/subscribe", params, view());
        scoped |= !route.isRefused();
        return forward(rawId, route, channel, answer -> {
            if (!answer.error()) {
                following().subscribed(params.get("uri").textValue(), route);
            }
        });
    }

    private Future<String> unsubscribe(String rawId, JsonNode params) {
        JsonNode uri = params == null ? null : params.get("uri");
        if (uri == null || !uri.isTextual()) {
            return reply(JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: uri must be a string"));
        }
        TargetRoute route = following().unsubscribed(uri.textValue());
        if (route != null) {
            unsubscribe(route);
        }
        return reply(JsonRpc.response(rawId, "{}"));
    }

    /** Tells a target that this session no longer follows a resource; nobody waits for the answer. */
    private void unsubscribe(TargetRoute subscribed) {
        tell(subscribed.target(), "resources/unsubscribe", subscribed.params(), subscribed.timeoutMs());
    }

    /**
     * Keeps the session's log level, by which the relay filters the log messages it hands on, and tells the targets
     * that send logs (each passes on only a level lower than its server has).
     */
    private String setLevel(String rawId, JsonNode params) {
        JsonNode level = params == null ? null : params.get("level");
        Optional<LogLevel> parsed = level == null ? Optional.empty() : LogLevel.parse(level.asText());
        if (parsed.isEmpty()) {
            return JsonRpc.error(rawId, JsonRpc.INVALID_PARAMS, "Invalid params: level must be one of debug, info, "
                    + "notice, warning, error, critical, alert, emergency");
        }
        following().level(parsed.get());
        scoped = true;
        CatalogView view = view();
        ObjectNode forwarded = Json.MAPPER.createObjectNode().put("level", parsed.get().wireName());
        view.targetsDeclaring("logging").forEach(target -> tell(target, "logging/setLevel", forwarded,
                FrontContext.DEADLINE_MARGIN_MS));
        return JsonRpc.response(rawId, "{}");
    }

    private void tell(String target, String method, JsonNode params, long timeoutMs) {
        FrontContext front = host.front();
        called(target);
        front.router().request(new TargetRequest(front.nextCallId(), target, method, params, identity.tenant(),
                identity.device(), id(), timeoutMs, caller()), timeoutMs + FrontContext.DEADLINE_MARGIN_MS)
                .onFailure(e -> LOG.debug("request not delivered [tenant: {}, device: {}, target: {}, method: {}]",
                        identity.tenant(), identity.device(), target, method));
    }

    private Future<String> forward(String rawId, TargetRoute route, SessionChannel channel) {
        return forward(rawId, route, channel, answer -> { });
    }

    /**
     * Sends a request other than a tool call to its target; the target's error is the session's.
     *
     * @param answered told of the target's answer before the session is
     */
    private Future<String> forward(String rawId, TargetRoute route, SessionChannel channel,
            Consumer<TargetAnswer> answered) {
        if (route.isRefused()) {
            return reply(JsonRpc.error(rawId, route.errorCode(), route.error()));
        }
        if (route.isAnswered()) {
            return reply(JsonRpc.response(rawId, route.answer()));
        }
        String refused = admit(rawId, route.target());
        if (refused != null) {
            return reply(refused);
        }
        FrontContext front = host.front();
        TargetRequest request = new TargetRequest(front.nextCallId(), route.target(), route.method(),
                route.params(), identity.tenant(), identity.device(), id(), route.timeoutMs(), caller());
        called(route.target());
        PendingCall pendingCall = new PendingCall(route.target(), request.callId(), false, channel,
                Promise.promise());
        track(rawId, pendingCall);
        front.router().request(request, route.timeoutMs() + FrontContext.DEADLINE_MARGIN_MS).onComplete(answer -> {
            if (!pending.remove(rawId, pendingCall)) {
                return;
            }
            if (answer.succeeded()) {
                answered.accept(answer.result());
            }
            pendingCall.response.tryComplete(answer(rawId, route, answer.succeeded() ? answer.result() : null,
                    answer.cause()));
        });
        return pendingCall.response.future();
    }

    private static String answer(String rawId, TargetRoute route, TargetAnswer answer, Throwable failure) {
        if (answer == null) {
            return JsonRpc.error(rawId, JsonRpc.INTERNAL_ERROR, describe(failure, route.target(), route.timeoutMs()));
        }
        return answer.error() ? JsonRpc.errorResponse(rawId, answer.json())
                : JsonRpc.response(rawId, route.result().apply(answer.json()));
    }

    private void forwardProgress(JsonNode params, JsonNode progressToken, SessionChannel channel, ToolCall call,
            AtomicBoolean capLogged) {
        if (params == null || !params.isObject()) {
            return;
        }
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        forwarded.set("progressToken", progressToken);
        String whole = JsonRpc.notification("notifications/progress", forwarded.toString());
        Optional<String> fitted = truncator.fitProgress(forwarded);
        if (!fitted.map(whole::equals).orElse(false) && capLogged.compareAndSet(false, true)) {
            LOG.info("progress over the result cap {} [tenant: {}, device: {}, target: {}, bytes: {}]",
                    fitted.isPresent() ? "cut" : "dropped", identity.tenant(), identity.device(), call.target(),
                    Utf8.length(whole));
        }
        fitted.ifPresent(notification -> send(channel, notification));
    }

    private Future<String> dispatch(String rawId, CatalogEntry tool, JsonNode arguments, JsonNode progressToken,
            SessionChannel channel) {
        FrontContext front = host.front();
        ProgressRouter progress = host.progress();
        String callId = front.nextCallId();
        ToolCall call = new ToolCall(callId, tool.target(), tool.upstream(), arguments, identity.tenant(),
                identity.device(), tool.timeoutMs(), progressToken == null ? null : progress.address(), caller());
        called(tool.target());
        PendingCall pendingCall = new PendingCall(tool.target(), callId, true, channel, Promise.promise());
        track(rawId, pendingCall);
        if (progressToken != null) {
            AtomicBoolean capLogged = new AtomicBoolean();
            progress.listen(callId, params -> forwardProgress(params, progressToken, channel, call, capLogged));
            pendingCall.response.future().onComplete(done -> progress.forget(callId));
        }
        front.router().call(call, tool.timeoutMs() + FrontContext.DEADLINE_MARGIN_MS).onComplete(reply -> {
            if (!pending.remove(rawId, pendingCall)) {
                return;
            }
            String result = reply.succeeded() ? reply.result()
                    : ToolResults.error(describe(reply.cause(), tool.target(), tool.timeoutMs()));
            pendingCall.response.tryComplete(JsonRpc.response(rawId, truncator.fit(rawId, result)));
        });
        return pendingCall.response.future();
    }

    private TargetFollowing following() {
        if (following == null) {
            following = new TargetFollowing();
        }
        return following;
    }

    private void called(String target) {
        if (!(targetsCalled instanceof LinkedHashSet)) {
            targetsCalled = new LinkedHashSet<>(4);
        }
        targetsCalled.add(target);
    }

    private void track(String rawId, PendingCall call) {
        if (!(pending instanceof HashMap)) {
            pending = new HashMap<>(4);
        }
        pending.put(rawId, call);
    }

    private void onNotification(String method, JsonNode params) {
        switch (method) {
            case "notifications/initialized" -> LOG.debug("client initialized [tenant: {}, device: {}]",
                    identity.tenant(), identity.device());
            case "notifications/cancelled" -> {
                JsonNode requestId = params == null ? null : params.get("requestId");
                PendingCall call = requestId == null ? null : pending.remove(Json.compact(requestId));
                if (call != null) {
                    call.cancel("cancelled by the client");
                    call.response.tryComplete(null);
                }
            }
            default -> LOG.debug("notification ignored [tenant: {}, device: {}, method: {}]",
                    identity.tenant(), identity.device(), LogFields.escape(echo(method)));
        }
    }

    /**
     * The text of a call that got no result: a target's verdict comes with its outcome's text already; the event
     * bus's own failures (no answer in time, no target to take the call) get the text of the outcome they mean.
     */
    private static String describe(Throwable failure, String target, long timeoutMs) {
        if (failure instanceof ReplyException reply) {
            return switch (reply.failureType()) {
                case TIMEOUT -> CallOutcome.TIMEOUT.text(target, CallOutcome.duration(timeoutMs));
                case NO_HANDLERS -> CallOutcome.UNAVAILABLE.text(target, "on this relay right now");
                case RECIPIENT_FAILURE -> CallOutcome.ofCode(reply.failureCode()).isPresent() ? reply.getMessage()
                        : CallOutcome.TRANSPORT_FAILED.text(target, reply.getMessage());
                default -> CallOutcome.TRANSPORT_FAILED.text(target, reply.getMessage());
            };
        }
        return CallOutcome.TRANSPORT_FAILED.text(target, failure.getMessage());
    }

    private static String echo(String text) {
        return TargetRoutes.echo(text);
    }

    private static Future<String> reply(String json) {
        return Future.succeededFuture(json);
    }

    /** A tool call or other request waiting for its target. */
    private final class PendingCall {

        final String target;
        final String callId;
        final boolean toolCall;
        final SessionChannel channel;
        final Promise<String> response;

        PendingCall(String target, String callId, boolean toolCall, SessionChannel channel,
                Promise<String> response) {
            this.target = target;
            this.callId = callId;
            this.toolCall = toolCall;
            this.channel = channel;
            this.response = response;
        }

        void cancel(String reason) {
            host.front().router().cancel(target, callId, reason);
        }
    }
}
