package dev.xiaozhi.relay.routing;

/**
 * One tool in a catalog.
 *
 * @param name      catalog name, what devices see and call
 * @param target    target that serves the tool
 * @param tool      the tool's name at the target
 * @param timeoutMs deadline of a call
 * @param json      the MCP tool object under its catalog name, serialized
 * @param content   hash of what a client reads of the tool (name, description, schemas), without the relay's
 *                  availability mark
 */
public record CatalogTool(String name, String target, String tool, long timeoutMs, String json, long content) {
}
