package dev.xiaozhi.relay.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.model.PrefixMode;

/**
 * A target as the catalog knows it, beyond its entries.
 *
 * @param name         target name
 * @param prefix       how its names and URIs are prefixed
 * @param timeoutMs    deadline of a request to it
 * @param capabilities the capabilities its server declared
 */
record CatalogTarget(String name, PrefixMode prefix, long timeoutMs, JsonNode capabilities) {

    /** Whether its server declared a capability ({@code logging}, {@code completions}, …). */
    boolean declares(String capability) {
        return capabilities.has(capability);
    }

    /** Whether its server lets resources be subscribed to. */
    boolean subscribable() {
        return capabilities.path("resources").path("subscribe").asBoolean(false);
    }
}
