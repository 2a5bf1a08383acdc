package dev.xiaozhi.relay.upstream.openapi;

import java.util.List;

/**
 * How a call's arguments become an operation's JSON request body.
 *
 * @param contentType the media type sent, e.g. {@code application/json}
 * @param required    whether the operation requires a body
 * @param argument    the argument that holds the whole body (usually {@code body}), or null when the body's
 *                    properties are flattened into the arguments
 * @param properties  when flattened: the argument names that make up the body object
 */
public record OpenApiBody(String contentType, boolean required, String argument, List<String> properties) {

    /** Whether the body's properties sit directly among the arguments. */
    public boolean flattened() {
        return argument == null;
    }
}
