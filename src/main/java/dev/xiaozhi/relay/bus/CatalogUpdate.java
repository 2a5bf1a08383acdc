package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.xiaozhi.relay.model.PrefixMode;

/**
 * The complete current offer of one target (tools, prompts, resources, resource templates and the capabilities its
 * server declared), as published on {@link EventBusAddresses#CATALOG_CHANGED}.
 *
 * @param target            target name
 * @param prefix            how the target's tool and prompt names and resource URIs are prefixed in the catalog
 * @param timeoutMs         deadline of a call to this target
 * @param tools             JSON array of MCP tool objects as the target names them; empty when the target is gone
 * @param available         false while the target is down and these are its last good lists
 * @param instance          which running instance of the target published it (its verticle's deployment id): an
 *                          instance withdraws only what it published itself, so a moved target's old instance,
 *                          stopping late, cannot withdraw its successor's tools
 * @param prompts           JSON array of MCP prompt objects; null for none
 * @param resources         JSON array of MCP resource objects; null for none
 * @param resourceTemplates JSON array of MCP resource template objects; null for none
 * @param capabilities      the {@code capabilities} object the target's server declared; null for none
 */
public record CatalogUpdate(String target, PrefixMode prefix, long timeoutMs, JsonNode tools, boolean available,
        String instance, JsonNode prompts, JsonNode resources, JsonNode resourceTemplates, JsonNode capabilities) {

    /** Replaces absent lists by empty ones. */
    public CatalogUpdate {
        prompts = prompts == null ? JsonNodeFactory.instance.arrayNode() : prompts;
        resources = resources == null ? JsonNodeFactory.instance.arrayNode() : resources;
        resourceTemplates = resourceTemplates == null ? JsonNodeFactory.instance.arrayNode() : resourceTemplates;
        capabilities = capabilities == null ? JsonNodeFactory.instance.objectNode() : capabilities;
    }

    /** The offer of a target of tools only. */
    public CatalogUpdate(String target, PrefixMode prefix, long timeoutMs, JsonNode tools, boolean available,
            String instance) {
        this(target, prefix, timeoutMs, tools, available, instance, null, null, null, null);
    }

    /** Whether the target offers nothing: it is gone (a withdrawal). */
    public boolean offersNothing() {
        return tools.isEmpty() && prompts.isEmpty() && resources.isEmpty() && resourceTemplates.isEmpty();
    }

    /** The same offer, marked available or not. */
    public CatalogUpdate withAvailable(boolean now) {
        return new CatalogUpdate(target, prefix, timeoutMs, tools, now, instance, prompts, resources,
                resourceTemplates, capabilities);
    }
}
