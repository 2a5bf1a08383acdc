package dev.xiaozhi.relay.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;

/**
 * What an MCP server offers besides tools, as last listed.
 *
 * @param prompts           JSON array of MCP prompt objects
 * @param resources         JSON array of MCP resource objects
 * @param resourceTemplates JSON array of MCP resource template objects
 * @param capabilities      the {@code capabilities} object the server declared
 */
public record ServerOffer(JsonNode prompts, JsonNode resources, JsonNode resourceTemplates, JsonNode capabilities) {

    /** Nothing besides tools. */
    public static final ServerOffer NONE = new ServerOffer(Json.MAPPER.createArrayNode(),
            Json.MAPPER.createArrayNode(), Json.MAPPER.createArrayNode(), Json.MAPPER.createObjectNode());
}
