package dev.xiaozhi.relay.upstream.openapi;

import java.util.List;
import java.util.Map;

/**
 * The HTTP request one tool call makes, before authentication.
 *
 * @param method      HTTP method
 * @param path        the expanded path below the base URL, encoded
 * @param query       encoded {@code name=value} pairs
 * @param headers     header parameters
 * @param body        the JSON body, or null
 * @param contentType the body's media type, or null
 */
record ApiRequest(String method, String path, List<String> query, Map<String, String> headers, String body,
        String contentType) {
}
