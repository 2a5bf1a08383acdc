package dev.xiaozhi.relay.upstream.openapi;

/**
 * A path, query, header or cookie parameter of an operation.
 *
 * @param name     the parameter's name in the request
 * @param argument the property of the tool's arguments that holds its value
 * @param in       where it goes
 * @param style    how it is serialized (OpenAPI {@code style}; the location's default when absent)
 * @param explode  OpenAPI {@code explode} (true by default for {@code form}, false otherwise)
 * @param required whether the operation requires it
 */
public record OpenApiParameter(String name, String argument, Location in, Style style, boolean explode,
        boolean required) {

    /** Where a parameter goes. */
    public enum Location {
        /** A {@code {name}} segment of the path. */
        PATH,
        /** The query string. */
        QUERY,
        /** A request header. */
        HEADER,
        /** The {@code Cookie} header. */
        COOKIE
    }

    /** OpenAPI serialization styles. */
    public enum Style {
        /** {@code a=1&a=2} (exploded) or {@code a=1,2}; the default of query and cookie. */
        FORM,
        /** {@code 1,2}; the default of path and header. */
        SIMPLE,
        /** {@code .1.2} path labels. */
        LABEL,
        /** {@code ;a=1;a=2} path parameters. */
        MATRIX,
        /** {@code a=1%202} query arrays. */
        SPACE_DELIMITED,
        /** {@code a=1|2} query arrays. */
        PIPE_DELIMITED,
        /** {@code a[x]=1&a[y]=2} query objects. */
        DEEP_OBJECT
    }
}
