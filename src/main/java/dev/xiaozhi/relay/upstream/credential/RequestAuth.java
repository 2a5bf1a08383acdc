package dev.xiaozhi.relay.upstream.credential;

import java.util.Map;

/**
 * What authentication adds to one request. Values are secrets: never logged.
 *
 * @param headers headers to set
 * @param query   query parameters to add
 */
public record RequestAuth(Map<String, String> headers, Map<String, String> query) {

    /** Adds nothing. */
    public static final RequestAuth NONE = new RequestAuth(Map.of(), Map.of());

    @Override
    public String toString() {
        return "RequestAuth[headers=" + headers.keySet() + ", query=" + query.keySet() + "]";
    }
}
