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
import java.util.function.Function;

/**
 * Routes a session's requests for prompts, resources and completions to their target through the session's catalog
 * view: the catalog's names and URIs become the target's own on the way there, and the target's URIs in a result the
 * catalog's on the way back. What the view does not hold is refused as unknown.
 */
final class TargetRoutes {

    private static final int MAX_ECHOED = 80;
    private static final String NO_COMPLETIONS = "{\"completion\":{\"values\":[],\"hasMore\":false}}";

    private TargetRoutes() {
    }

    /** {@code prompts/get}: {@code name} is a catalog prompt name. */
    static TargetRoute promptGet(JsonNode params, CatalogView view) {
        String name = text(params, "name");
        if (name == null) {
            return notAString("name");
        }
        Optional<CatalogEntry> prompt = view.findPrompt(name);
        if (prompt.isEmpty()) {
            return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Unknown prompt: " + echo(name));
        }
        ObjectNode forwarded = forwarded(params).put("name", prompt.get().upstream());
        return TargetRoute.to(prompt.get().target(), "prompts/get", forwarded, prompt.get().timeoutMs());
    }

    /** {@code resources/read}: {@code uri} is a catalog URI; the contents' URIs come back as catalog URIs. */
    static TargetRoute resourceRead(JsonNode params, CatalogView view) {
        return toResource(params, view, route -> {
            TargetRoute routed = TargetRoute.to(route.target(), "resources/read",
                    forwarded(params).put("uri", route.upstream()), route.timeoutMs());
            return route.prefixed() ? routed.rewritingResult(result -> namespaceContents(result, route)) : routed;
        });
    }

    /** {@code resources/subscribe} or {@code resources/unsubscribe}: {@code uri} is a catalog URI. */
    static TargetRoute subscription(String method, JsonNode params, CatalogView view) {
        return toResource(params, view, route -> view.subscribable(route.target())
                ? TargetRoute.to(route.target(), method, forwarded(params).put("uri", route.upstream()),
                        route.timeoutMs())
                : TargetRoute.refused(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + route.target()
                        + " offers no resource subscriptions"));
    }

    /**
     * {@code completion/complete}: {@code ref} names a catalog prompt ({@code ref/prompt}) or a catalog URI template
     * ({@code ref/resource}); a target that offers no completions gets none asked and the session none given.
     */
    static TargetRoute complete(JsonNode params, CatalogView view) {
        JsonNode ref = params == null ? null : params.get("ref");
        if (ref == null || !ref.isObject()) {
            return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Invalid params: ref must be an object");
        }
        ObjectNode upstreamRef = ((ObjectNode) ref).deepCopy();
        String target;
        long timeoutMs;
        String type = ref.path("type").asText();
        if ("ref/prompt".equals(type)) {
            String name = ref.path("name").asText();
            Optional<CatalogEntry> prompt = view.findPrompt(name);
            if (prompt.isEmpty()) {
                return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Unknown prompt: " + echo(name));
            }
            upstreamRef.put("name", prompt.get().upstream());
            target = prompt.get().target();
            timeoutMs = prompt.get().timeoutMs();
        } else if ("ref/resource".equals(type)) {
            String uri = ref.path("uri").asText();
            Optional<ResourceRoute> template = view.template(uri);
            if (template.isEmpty()) {
                return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Unknown resource template: " + echo(uri));
            }
            upstreamRef.put("uri", template.get().upstream());
            target = template.get().target();
            timeoutMs = template.get().timeoutMs();
        } else {
            return TargetRoute.refused(JsonRpc.INVALID_PARAMS,
                    "Invalid params: ref.type must be ref/prompt or ref/resource");
        }
        if (!view.declared(target, "completions")) {
            return TargetRoute.answered(NO_COMPLETIONS);
        }
        ObjectNode forwarded = forwarded(params);
        forwarded.set("ref", upstreamRef);
        return TargetRoute.to(target, "completion/complete", forwarded, timeoutMs);
    }

    /** Routes a request naming a catalog resource by its {@code uri}, refusing one the view does not hold. */
    private static TargetRoute toResource(JsonNode params, CatalogView view,
            Function<ResourceRoute, TargetRoute> then) {
        String uri = text(params, "uri");
        if (uri == null) {
            return notAString("uri");
        }
        return view.resource(uri).map(then).orElseGet(() -> TargetRoute.refused(JsonRpc.RESOURCE_NOT_FOUND,
                "Resource not found: " + echo(uri)));
    }

    /** A string parameter, or null when it is missing or not a string. */
    private static String text(JsonNode params, String key) {
        JsonNode value = params == null ? null : params.get(key);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static TargetRoute notAString(String key) {
        return TargetRoute.refused(JsonRpc.INVALID_PARAMS, "Invalid params: " + key + " must be a string");
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
