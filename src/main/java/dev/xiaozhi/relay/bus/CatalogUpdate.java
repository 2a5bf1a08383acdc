package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.model.PrefixMode;

/**
 * The complete current tool list of one target, as published on {@link EventBusAddresses#CATALOG_CHANGED}.
 *
 * @param target    target name
 * @param prefix    how the target's tool names are prefixed in the catalog
 * @param timeoutMs deadline of a call to this target
 * @param tools     JSON array of MCP tool objects as the target names them; empty when the target is gone
 * @param available false while the target is down and these are its last good tools
 * @param instance  which running instance of the target published it (its verticle's deployment id): an instance
 *                  withdraws only what it published itself, so a moved target's old instance, stopping late,
 *                  cannot withdraw its successor's tools
 */
public record CatalogUpdate(String target, PrefixMode prefix, long timeoutMs, JsonNode tools, boolean available,
        String instance) {
}
