package dev.xiaozhi.relay.routing;

/**
 * Where a catalog resource URI (or URI template) leads.
 *
 * @param target    the target that serves it
 * @param upstream  the target's own URI (or URI template)
 * @param prefixed  whether the catalog namespaces the target's URIs ({@link ResourceUris})
 * @param timeoutMs deadline of a request to the target
 */
public record ResourceRoute(String target, String upstream, boolean prefixed, long timeoutMs) {

    /** A URI the target named (in a result or a notification), as the session sees it. */
    public String catalogUri(String targetUri) {
        return prefixed ? ResourceUris.namespaced(target, targetUri) : targetUri;
    }
}
