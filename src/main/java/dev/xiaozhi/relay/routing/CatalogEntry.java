package dev.xiaozhi.relay.routing;

/**
 * One tool, prompt, resource or resource template in a catalog.
 *
 * @param name      catalog name (of a tool or prompt) or catalog URI (of a resource, or URI template): what devices
 *                  see and use
 * @param target    target that serves it
 * @param upstream  its name, URI or URI template at the target
 * @param timeoutMs deadline of a request to it
 * @param json      the MCP object under its catalog name or URI, serialized
 * @param content   hash of what a client reads of it (name, description, schemas, …), without the relay's
 *                  availability mark
 */
public record CatalogEntry(String name, String target, String upstream, long timeoutMs, String json, long content) {
}
