package dev.xiaozhi.relay.upstream.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.McpVersions;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay as MCP client over one connection to an MCP server, whatever carries the messages. Requests get
 * relay-side integer ids, so callers' ids never collide; responses are matched back, server notifications are handed
 * on, and the server's own requests ({@code ping}) are answered. Not thread-safe: use from one context.
 */
public final class McpClientConnection {

    /** The revision the relay offers when it connects to a server. */
    public static final String OFFERED_VERSION = McpVersions.V2025_06_18;
    /** The most pages one listing ({@code tools/list}, {@code prompts/list}, …) follows. */
    public static final int MAX_LIST_PAGES = 50;
    /** The most items (tools, prompts, resources, templates) kept of one list of one server. */
    public static final int MAX_ITEMS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(McpClientConnection.class);

    private final Vertx vertx;
    private final String target;
    private final McpWire wire;
    private final Map<Long, Promise<JsonNode>> pending = new HashMap<>();
    private BiConsumer<String, JsonNode> notificationHandler = (method, params) -> { };
    private BiFunction<String, JsonNode, Future<JsonNode>> requestHandler = (method, params) ->
            Future.failedFuture(new McpErrorException(Json.MAPPER.createObjectNode()
                    .put("code", JsonRpc.METHOD_NOT_FOUND).put("message", "Method not found: " + method)));
    private JsonNode clientCapabilities = Json.MAPPER.createObjectNode();
    private long nextId = 1;
    private String version;
    private Runnable reinitialized = () -> { };
    private JsonNode capabilities = Json.MAPPER.createObjectNode();

    /**
     * @param target name of the target, for logs
     * @param wire   carries messages to the server
     */
    public McpClientConnection(Vertx vertx, String target, McpWire wire) {
        this.vertx = vertx;
        this.target = target;
        this.wire = wire;
    }

    /** Receives the server's notifications (method, params). */
    public void notificationHandler(BiConsumer<String, JsonNode> handler) {
        this.notificationHandler = handler;
    }

    /**
     * Answers the server's own requests other than {@code ping} (method, params): the future holds the result, or
     * fails with the {@link McpErrorException} to answer with. By default every such method is unknown.
     */
    public void requestHandler(BiFunction<String, JsonNode, Future<JsonNode>> handler) {
        this.requestHandler = handler;
    }

    /** What the relay declares as client in {@code initialize} (sampling, elicitation, roots); none by default. */
    public void clientCapabilities(JsonNode capabilities) {
        this.clientCapabilities = capabilities.deepCopy();
    }

    /** The revision the server agreed to; null before {@link #initialize}. */
    public String version() {
        return version;
    }

    /** The capabilities the server declared; empty before {@link #initialize}. */
    public JsonNode capabilities() {
        return capabilities;
    }

    /**
     * Runs {@code handler} each time the handshake completes again on this connection (a Streamable HTTP server
     * that forgot its session is initialized anew), so that what the session had asked for can be asked again.
     */
    public void reinitializedHandler(Runnable handler) {
        this.reinitialized = handler;
    }

    /** Runs the handshake: initialize, check the revision, notifications/initialized. */
    public Future<Void> initialize(String clientVersion, long timeoutMs) {
        boolean again = version != null;
        ObjectNode params = Json.MAPPER.createObjectNode().put("protocolVersion", OFFERED_VERSION);
        params.set("capabilities", clientCapabilities.deepCopy());
        params.putObject("clientInfo").put("name", RelayInfo.NAME).put("version", clientVersion);
        return request("initialize", params, timeoutMs).compose(result -> {
            String agreed = result.path("protocolVersion").asText();
            if (!McpVersions.SUPPORTED.contains(agreed)) {
                return Future.failedFuture("server answered unsupported protocol version '" + agreed + "'");
            }
            version = agreed;
            if (result.path("capabilities").isObject()) {
                capabilities = result.get("capabilities");
            }
            notify("notifications/initialized", null);
            if (again) {
                reinitialized.run();
            }
            return Future.succeededFuture();
        });
    }

    /** Lists the server's tools, as {@link #list} does. */
    public Future<JsonNode> listTools(long timeoutMs) {
        return list("tools/list", "tools", timeoutMs);
    }

    /**
     * Lists everything a list method returns ({@code prompts/list} with key {@code prompts}, …), following
     * {@code nextCursor} to the end, but no further than {@link #MAX_LIST_PAGES} pages, {@link #MAX_ITEMS} items or
     * a cursor seen before: there the listing stops with what it has, saying so once. An item listed twice (by its
     * name, URI or URI template) is kept once.
     */
    public Future<JsonNode> list(String method, String key, long timeoutMs) {
        return listFrom(null, new Listing(method, key), timeoutMs);
    }

    /**
     * A request on its way: the relay-side request id (for cancelling) and the reply.
     *
     * @param <T> what the reply holds
     */
    public record PendingCall<T>(long requestId, Future<T> reply) {
    }

    /**
     * Calls a tool; the deadline is the caller's (the target's circuit breaker).
     *
     * @param withProgress ask for progress, under the request id as progress token
     */
    public PendingCall<ToolReply> callTool(String tool, JsonNode arguments, boolean withProgress) {
        ObjectNode params = Json.MAPPER.createObjectNode().put("name", tool);
        params.set("arguments", arguments);
        long requestId = nextId;
        if (withProgress) {
            params.putObject("_meta").put("progressToken", requestId);
        }
        Future<ToolReply> reply = request("tools/call", params, 0)
                .map(result -> new ToolReply(result.toString(), result.path("isError").asBoolean(false)));
        return new PendingCall<>(requestId, reply);
    }

    /** Sends a request with the caller's deadline (the target's circuit breaker); the reply holds the result. */
    public PendingCall<JsonNode> start(String method, JsonNode params) {
        long requestId = nextId;
        return new PendingCall<>(requestId, request(method, params, 0));
    }

    /** Tells the server that the relay no longer waits for a request, which fails as {@code CANCELLED}. */
    public void cancel(long requestId, String reason) {
        Promise<JsonNode> waiting = pending.remove(requestId);
        if (waiting != null) {
            waiting.tryFail(new UpstreamCallException(CallOutcome.CANCELLED, reason));
            ObjectNode params = Json.MAPPER.createObjectNode().put("requestId", requestId).put("reason", reason);
            notify("notifications/cancelled", params);
        }
    }

    /** Sends a request; {@code timeoutMs} 0 means no timeout of its own. The future holds the {@code result}. */
    public Future<JsonNode> request(String method, JsonNode params, long timeoutMs) {
        long id = nextId++;
        Promise<JsonNode> response = Promise.promise();
        pending.put(id, response);
        if (timeoutMs > 0) {
            long timer = vertx.setTimer(timeoutMs, t -> {
                if (pending.remove(id) != null) {
                    response.tryFail(new UpstreamCallException(CallOutcome.TIMEOUT,
                            method + " got no answer within " + timeoutMs + " ms"));
                }
            });
            response.future().onComplete(done -> vertx.cancelTimer(timer));
        }
        wire.send(id, JsonRpc.request(Long.toString(id), method, params == null ? null : params.toString()));
        return response.future();
    }

    /** Sends a notification. */
    public void notify(String method, JsonNode params) {
        wire.send(McpWire.NO_REQUEST, JsonRpc.notification(method, params == null ? null : params.toString()));
    }

    /** Fails one waiting request, e.g. when its HTTP exchange failed. */
    public void fail(long requestId, Throwable cause) {
        Promise<JsonNode> waiting = pending.remove(requestId);
        if (waiting != null) {
            waiting.tryFail(cause);
        }
    }

    /** Fails every waiting request at once as {@code TRANSPORT_FAILED}, e.g. when the transport died. */
    public void failAll(String reason) {
        List<Promise<JsonNode>> waiting = List.copyOf(pending.values());
        pending.clear();
        UpstreamCallException failure = new UpstreamCallException(CallOutcome.TRANSPORT_FAILED, reason);
        waiting.forEach(promise -> promise.tryFail(failure));
    }

    /** Handles one message from the server. */
    public void onMessage(String text) {
        JsonNode message;
        try {
            message = Json.parse(text);
        } catch (JsonProcessingException e) {
            LOG.warn("not JSON from server, skipped [target: {}]", target);
            return;
        }
        if (message.isArray()) {
            message.forEach(this::onSingle);
        } else {
            onSingle(message);
        }
    }

    /**
     * A message over the transport's bound of {@code limitBytes} was dropped unread, of which {@code head} is the
     * start: the request it answers, if its id is there, fails as an answer over the bound.
     */
    public void onOverLong(String head, int limitBytes) {
        Long id = topLevelId(head);
        Promise<JsonNode> response = id == null ? null : pending.remove(id);
        if (response != null) {
            response.tryFail(new UpstreamCallException(CallOutcome.UPSTREAM_ERROR, "its answer is over the limit of "
                    + limitBytes + " bytes"));
        }
    }

    /** The integer {@code id} of a JSON-RPC message's start, when it comes before the start is cut. */
    private static Long topLevelId(String head) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(head)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                boolean isId = "id".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (isId) {
                    return value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : null;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            LOG.debug("no id in the start of an over-long message");
        }
        return null;
    }

    private void onSingle(JsonNode message) {
        JsonNode id = message.get("id");
        JsonNode method = message.get("method");
        if (method != null && method.isTextual()) {
            if (id == null) {
                notificationHandler.accept(method.textValue(), message.get("params"));
            } else {
                answerServerRequest(id.toString(), method.textValue(), message.get("params"));
            }
            return;
        }
        Promise<JsonNode> response = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
        if (response == null) {
            LOG.debug("response to no waiting request [target: {}]", target);
        } else if (message.has("error")) {
            JsonNode error = message.get("error");
            response.tryFail(new McpErrorException(error));
        } else {
            response.tryComplete(message.path("result"));
        }
    }

    private void answerServerRequest(String rawId, String method, JsonNode params) {
        if ("ping".equals(method)) {
            wire.send(McpWire.NO_REQUEST, JsonRpc.response(rawId, "{}"));
            return;
        }
        requestHandler.apply(method, params).onComplete(answer -> wire.send(McpWire.NO_REQUEST, answer.succeeded()
                ? JsonRpc.response(rawId, Json.compact(answer.result()))
                : answer.cause() instanceof McpErrorException error ? JsonRpc.errorResponse(rawId, error.errorJson())
                : JsonRpc.error(rawId, JsonRpc.INTERNAL_ERROR, String.valueOf(answer.cause().getMessage()))));
    }

    private Future<JsonNode> listFrom(String cursor, Listing listing, long timeoutMs) {
        ObjectNode params = Json.MAPPER.createObjectNode();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        return request(listing.method, params, timeoutMs).compose(result -> {
            listing.pages++;
            JsonNode page = result.path(listing.key);
            for (int i = 0; page.isArray() && i < page.size(); i++) {
                if (listing.items.size() == MAX_ITEMS) {
                    return cut(listing, "more than " + MAX_ITEMS + " " + listing.key);
                }
                JsonNode item = page.get(i);
                if (listing.ids.add(item.path("name").asText(item.path("uri").asText(item.path("uriTemplate")
                        .asText())))) {
                    listing.items.add(item);
                }
            }
            String next = result.path("nextCursor").textValue();
            if (next == null || next.isEmpty()) {
                return Future.succeededFuture(listing.items);
            }
            if (!listing.cursors.add(next)) {
                return cut(listing, "cursor repeated");
            }
            if (listing.pages == MAX_LIST_PAGES) {
                return cut(listing, "more than " + MAX_LIST_PAGES + " pages");
            }
            return listFrom(next, listing, timeoutMs);
        });
    }

    private Future<JsonNode> cut(Listing listing, String reason) {
        LOG.warn("{} listing cut [target: {}, reason: {}, pages: {}, kept: {}]", listing.noun(), target, reason,
                listing.pages, listing.items.size());
        return Future.succeededFuture(listing.items);
    }

    /** One listing under way: the items so far, their ids, the cursors followed and the pages read. */
    private static final class Listing {

        private final String method;
        private final String key;
        private final ArrayNode items = Json.MAPPER.createArrayNode();
        private final Set<String> ids = new HashSet<>();
        private final Set<String> cursors = new HashSet<>();
        private int pages;

        Listing(String method, String key) {
            this.method = method;
            this.key = key;
        }

        /** What is listed, in the singular: tool, prompt, resource, resourceTemplate. */
        String noun() {
            return key.endsWith("s") ? key.substring(0, key.length() - 1) : key;
        }
    }
}
