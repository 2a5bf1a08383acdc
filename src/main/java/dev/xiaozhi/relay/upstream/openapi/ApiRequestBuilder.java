package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the request of an operation from a call's arguments, or says which argument is wrong. */
final class ApiRequestBuilder {

    private ApiRequestBuilder() {
    }

    /**
     * The request for {@code arguments}.
     *
     * @throws IllegalArgumentException with a message for the model when an argument is missing or unusable
     */
    static ApiRequest build(OpenApiOperation operation, JsonNode arguments) {
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            throw new IllegalArgumentException("arguments must be an object");
        }
        JsonNode args = arguments == null || arguments.isNull() ? Json.MAPPER.createObjectNode() : arguments;
        String path = operation.pathTemplate();
        List<String> query = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (OpenApiParameter parameter : operation.parameters()) {
            JsonNode value = args.get(parameter.argument());
            if (value == null || value.isNull()) {
                if (parameter.required()) {
                    throw new IllegalArgumentException("missing required argument '" + parameter.argument() + "'");
                }
                continue;
            }
            switch (parameter.in()) {
                case PATH -> path = path.replace("{" + parameter.name() + "}",
                        ParameterSerializer.path(parameter, value));
                case QUERY -> query.addAll(ParameterSerializer.query(parameter, value));
                case HEADER -> headers.put(parameter.name(), headerValue(parameter,
                        ParameterSerializer.header(parameter, value)));
                default -> cookies.add(headerValue(parameter, ParameterSerializer.cookie(parameter, value)));
            }
        }
        if (!cookies.isEmpty()) {
            headers.put("Cookie", String.join("; ", cookies));
        }
        String body = operation.body().map(spec -> body(spec, args)).orElse(null);
        return new ApiRequest(operation.method(), path, query, headers, body,
                body == null ? null : operation.body().get().contentType());
    }

    private static String body(OpenApiBody spec, JsonNode args) {
        if (!spec.flattened()) {
            JsonNode body = args.get(spec.argument());
            if (body == null || body.isNull()) {
                if (spec.required()) {
                    throw new IllegalArgumentException("missing required argument '" + spec.argument() + "'");
                }
                return null;
            }
            return body.toString();
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        for (String property : spec.properties()) {
            JsonNode value = args.get(property);
            if (value != null) {
                body.set(property, value);
            }
        }
        return body.isEmpty() && !spec.required() ? null : body.toString();
    }

    private static String headerValue(OpenApiParameter parameter, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("argument '" + parameter.argument()
                        + "' contains a line break, which a header cannot carry");
            }
        }
        return value;
    }
}
