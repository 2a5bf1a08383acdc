package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.routing.CatalogEntry;
import dev.xiaozhi.relay.routing.CatalogView;
import dev.xiaozhi.relay.routing.ResourceRoute;
import java.util.Optional;

/**
 * Routes a session's requests for prompts and resources to their target through the session's catalog view: the
 * catalog's names and URIs become the target's own on the way there, and the target's URIs in a result the
 * catalog's on the way back. What the view does not hold is refused as unknown.
 */
final class TargetRoutes {

    private static final int MAX_ECHOED = 80;

    private TargetRoutes() {
    }

    /** {@code prompts/get}: {@code name} is a catalog prompt name. */
    static TargetRoute promptGet(JsonNode params, CatalogView view) {
        JsonNode name = params == null ? null : params.get("name");
        if (name == null || !name.isTextual()) {
            return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Invalid params: name must be a string");
        }
        Optional<CatalogEntry> prompt = view.findPrompt(name.textValue());
        if (prompt.isEmpty()) {
            return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Unknown prompt: " + echo(name.textValue()));
        }
        ObjectNode forwarded = forwarded(params).put("name", prompt.get().upstream());
        return TargetRoute.to(prompt.get().target(), "prompts/get", forwarded, prompt.get().timeoutMs());
    }

    /** {@code resources/read}: {@code uri} is a catalog URI; the contents' URIs come back as catalog URIs. */
    static TargetRoute resourceRead(JsonNode params, CatalogView view) {
        JsonNode uri = params == null ? null : params.get("uri");
        if (uri == null || !uri.isTextual()) {
            return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Invalid params: uri must be a string");
        }
        Optional<ResourceRoute> route = view.resource(uri.textValue());
        if (route.isEmpty()) {
            return TargetRoute.refused(JsonRpc.RESOURCE_NOT_FOUND, "Resource not found: " + echo(uri.textValue()));
        }
        ObjectNode forwarded = forwarded(params).put("uri", route.get().upstream());
        TargetRoute routed = TargetRoute.to(route.get().target(), "resources/read", forwarded,
                route.get().timeoutMs());
        return route.get().prefixed() ? routed.rewritingResult(result -> namespaceContents(result, route.get()))
                : routed;
    }

    /** The params for the target: the session's own, without its {@code _meta} (its progress token is its own). */
    private static ObjectNode forwarded(JsonNode params) {
        ObjectNode copy = ((ObjectNode) params).deepCopy();
        copy.remove("_meta");
        return copy;
    }

    private static String namespaceContents(String result, ResourceRoute route) {
        try {
            JsonNode parsed = Json.parse(result);
            parsed.path("contents").forEach(content -> {
                if (content.isObject() && content.path("uri").isTextual()) {
                    ((ObjectNode) content).put("uri", route.catalogUri(content.get("uri").textValue()));
                }
            });
            return parsed.toString();
        } catch (JsonProcessingException e) {
            return result;
        }
    }

    static String echo(String text) {
        return text.length() <= MAX_ECHOED ? text : text.substring(0, MAX_ECHOED) + "…";
    }
}
