package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.common.Glob;
import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.upstream.openapi.OpenApiParameter.Location;
import dev.xiaozhi.relay.upstream.openapi.OpenApiParameter.Style;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the operations of an OpenAPI document (as a JSON tree) into tools: a legal, unique name, a capped
 * description, and an input schema that merges path, query, header and cookie parameters with a JSON request body.
 */
final class OperationReader {

    private static final Logger LOG = LoggerFactory.getLogger(OperationReader.class);
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    /** Header parameters the OpenAPI specification says to ignore. */
    private static final Set<String> IGNORED_HEADERS = Set.of("accept", "content-type", "authorization");
    private static final String ELLIPSIS = "…";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode document;
    private final OpenApiOptions options;
    private final SchemaInliner schemas;
    private final Set<String> names = new HashSet<>();

    OperationReader(JsonNode document, OpenApiOptions options) {
        this.document = document;
        this.options = options;
        this.schemas = new SchemaInliner(document);
    }

    List<OpenApiOperation> read() {
        List<OpenApiOperation> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> {
            JsonNode item = schemas.resolve(path.getValue());
            if (item == null) {
                return;
            }
            for (String method : METHODS) {
                JsonNode operation = item.get(method);
                if (operation != null && operation.isObject()) {
                    read(path.getKey(), method, item, operation).ifPresent(operations::add);
                }
            }
        });
        return operations;
    }

    private Optional<OpenApiOperation> read(String path, String method, JsonNode item, JsonNode operation) {
        String operationId = operation.path("operationId").asText("");
        String wanted = operationId.isEmpty() ? method + path : operationId;
        String sanitized = sanitize(wanted);
        if (!options.include().isEmpty() && !Glob.anyMatches(options.include(), sanitized)
                && !Glob.anyMatches(options.include(), operationId)
                || Glob.anyMatches(options.exclude(), sanitized) || Glob.anyMatches(options.exclude(), operationId)) {
            return Optional.empty();
        }
        ObjectNode properties = NODES.objectNode();
        ArrayNode required = NODES.arrayNode();
        List<OpenApiParameter> parameters = new ArrayList<>();
        for (JsonNode parameter : mergedParameters(item, operation).values()) {
            addParameter(parameter, properties, required, parameters);
        }
        Optional<OpenApiBody> body;
        try {
            body = body(operation, properties, required);
        } catch (IllegalArgumentException unsupported) {
            LOG.info("operation left out [operation: {} {}]: {}", method.toUpperCase(Locale.ROOT),
                    LogFields.escape(path),
                    unsupported.getMessage());
            return Optional.empty();
        }
        ObjectNode inputSchema = NODES.objectNode().put("type", "object");
        inputSchema.set("properties", properties);
        if (!required.isEmpty()) {
            inputSchema.set("required", required);
        }
        return Optional.of(new OpenApiOperation(unique(sanitized), description(operation, method, path), inputSchema,
                method.toUpperCase(Locale.ROOT),
                    LogFields.escape(path), List.copyOf(parameters), body));
    }

    /** Path-level parameters, overridden by the operation's own of the same name and location. */
    private Map<String, JsonNode> mergedParameters(JsonNode item, JsonNode operation) {
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        for (JsonNode list : List.of(item.path("parameters"), operation.path("parameters"))) {
            for (JsonNode reference : list) {
                JsonNode parameter = schemas.resolve(reference);
                if (parameter != null && parameter.hasNonNull("name") && parameter.hasNonNull("in")) {
                    merged.put(parameter.get("in").asText() + ":" + parameter.get("name").asText(), parameter);
                }
            }
        }
        return merged;
    }

    private void addParameter(JsonNode parameter, ObjectNode properties, ArrayNode required,
            List<OpenApiParameter> parameters) {
        String name = parameter.get("name").asText();
        Location in = switch (parameter.get("in").asText()) {
            case "path" -> Location.PATH;
            case "header" -> Location.HEADER;
            case "cookie" -> Location.COOKIE;
            default -> Location.QUERY;
        };
        String lower = name.toLowerCase(Locale.ROOT);
        if (in == Location.HEADER && IGNORED_HEADERS.contains(lower)
                || (in == Location.HEADER || in == Location.QUERY) && options.injected().contains(lower)) {
            return;
        }
        String argument = properties.has(name) ? in.name().toLowerCase(Locale.ROOT) + "_" + name : name;
        boolean isRequired = in == Location.PATH || parameter.path("required").asBoolean(false);
        JsonNode schema = parameter.has("schema") ? parameter.get("schema")
                : parameter.path("content").elements().hasNext()
                ? parameter.get("content").elements().next().path("schema") : null;
        JsonNode inlined = schemas.inline(schema);
        ObjectNode property = inlined.isObject() ? (ObjectNode) inlined : NODES.objectNode();
        if (parameter.hasNonNull("description") && !property.has("description")) {
            property.set("description", parameter.get("description"));
        }
        properties.set(argument, property);
        if (isRequired) {
            required.add(argument);
        }
        Style style = parameter.hasNonNull("style") ? style(parameter.get("style").asText())
                : in == Location.PATH || in == Location.HEADER ? Style.SIMPLE : Style.FORM;
        boolean explode = parameter.hasNonNull("explode") ? parameter.get("explode").asBoolean()
                : style == Style.FORM;
        parameters.add(new OpenApiParameter(name, argument, in, style, explode, isRequired));
    }

    /**
     * The JSON request body: its properties flattened among the arguments when none clashes, else one {@code body}
     * argument.
     *
     * @throws IllegalArgumentException when the operation requires a body that is not JSON
     */
    private Optional<OpenApiBody> body(JsonNode operation, ObjectNode properties, ArrayNode required) {
        JsonNode requestBody = schemas.resolve(operation.get("requestBody"));
        if (requestBody == null || !requestBody.has("content")) {
            return Optional.empty();
        }
        boolean bodyRequired = requestBody.path("required").asBoolean(false);
        String mediaType = jsonMediaType(requestBody.get("content"));
        if (mediaType == null) {
            if (bodyRequired) {
                throw new IllegalArgumentException("its request body is not JSON");
            }
            return Optional.empty();
        }
        JsonNode schema = schemas.inline(requestBody.get("content").get(mediaType).get("schema"));
        JsonNode bodyProperties = schema.path("properties");
        boolean flatten = bodyProperties.isObject() && !bodyProperties.isEmpty()
                && "object".equals(schema.path("type").asText("object")) && !schema.has("allOf")
                && !schema.has("oneOf") && !schema.has("anyOf");
        List<String> names = new ArrayList<>();
        bodyProperties.fieldNames().forEachRemaining(names::add);
        if (flatten && names.stream().noneMatch(properties::has)) {
            names.forEach(name -> properties.set(name, bodyProperties.get(name)));
            if (bodyRequired) {
                schema.path("required").forEach(name -> required.add(name.asText()));
            }
            return Optional.of(new OpenApiBody(mediaType, bodyRequired, null, List.copyOf(names)));
        }
        String argument = properties.has("body") ? "requestBody" : "body";
        properties.set(argument, schema);
        if (bodyRequired) {
            required.add(argument);
        }
        return Optional.of(new OpenApiBody(mediaType, bodyRequired, argument, List.of()));
    }

    private static String jsonMediaType(JsonNode content) {
        if (content.has("application/json")) {
            return "application/json";
        }
        List<String> types = new ArrayList<>();
        content.fieldNames().forEachRemaining(types::add);
        return types.stream().filter(type -> type.toLowerCase(Locale.ROOT).contains("json")).findFirst()
                .orElse(null);
    }

    private String description(JsonNode operation, String method, String path) {
        String summary = operation.path("summary").asText("").strip();
        String details = operation.path("description").asText("").strip();
        String text = summary.isEmpty() ? details : details.isEmpty() || details.startsWith(summary) ? summary
                + (details.isEmpty() ? "" : details.substring(summary.length())) : summary + "\n\n" + details;
        if (text.isEmpty()) {
            text = method.toUpperCase(Locale.ROOT) + " " + path;
        }
        int max = options.descriptionMaxChars();
        return text.length() <= max ? text : text.substring(0, max - ELLIPSIS.length()) + ELLIPSIS;
    }

    private String unique(String name) {
        String candidate = name;
        for (int n = 2; !names.add(candidate); n++) {
            candidate = name + "_" + n;
        }
        return candidate;
    }

    /** Letters, digits, {@code _} and {@code -}; runs of anything else become one {@code _}. */
    static String sanitize(String wanted) {
        String name = wanted.replaceAll("[{}]", "").replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
        return name.isEmpty() ? "operation" : name;
    }

    private static Style style(String style) {
        return switch (style) {
            case "simple" -> Style.SIMPLE;
            case "label" -> Style.LABEL;
            case "matrix" -> Style.MATRIX;
            case "spaceDelimited" -> Style.SPACE_DELIMITED;
            case "pipeDelimited" -> Style.PIPE_DELIMITED;
            case "deepObject" -> Style.DEEP_OBJECT;
            default -> Style.FORM;
        };
    }
}
