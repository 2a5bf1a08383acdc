package dev.xiaozhi.relay.upstream.openapi;

import java.util.List;
import java.util.Set;

/**
 * How an OpenAPI document becomes tools.
 *
 * @param descriptionMaxChars longest tool description
 * @param include             glob patterns of operations to offer (tool name or operationId), all when empty
 * @param exclude             glob patterns of operations left out
 * @param injected            names (lower case) of headers and query parameters the relay fills itself (configured
 *                            headers, the API key): they never become arguments
 */
record OpenApiOptions(int descriptionMaxChars, List<String> include, List<String> exclude, Set<String> injected) {
}
