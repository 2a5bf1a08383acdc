package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns OpenAPI schemas into self-contained JSON Schemas for tool input: every local {@code $ref} inlined (a
 * recursive one becomes an open object), OpenAPI 3.0 forms rewritten to JSON Schema ({@code nullable}, boolean
 * {@code exclusiveMinimum}/{@code exclusiveMaximum}), and keywords a model does not need dropped (examples, XML,
 * external docs, discriminators, extensions).
 */
final class SchemaInliner {

    private static final int MAX_DEPTH = 24;
    private static final Set<String> DROPPED = Set.of("example", "examples", "xml", "externalDocs", "discriminator",
            "$schema", "$id", "$defs", "definitions");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode document;

    /** Inlines against the whole document (for {@code #/components/...} pointers). */
    SchemaInliner(JsonNode document) {
        this.document = document;
    }

    /** A self-contained copy of {@code schema}. */
    JsonNode inline(JsonNode schema) {
        return inline(schema, new ArrayDeque<>(), 0);
    }

    /** The object a local {@code $ref} points to, followed through chains of references; null when unresolvable. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current != null && current.has("$ref") && hops < MAX_DEPTH; hops++) {
            current = target(current.get("$ref").asText());
        }
        return current;
    }

    private JsonNode inline(JsonNode schema, Deque<String> path, int depth) {
        if (schema == null || !schema.isObject()) {
            return schema == null ? NODES.objectNode() : plain(schema);
        }
        if (depth > MAX_DEPTH) {
            return NODES.objectNode();
        }
        if (schema.has("$ref") && schema.get("$ref").isTextual()) {
            String ref = schema.get("$ref").asText();
            JsonNode target = target(ref);
            if (target == null || path.contains(ref)) {
                return NODES.objectNode().put("type", "object");
            }
            path.push(ref);
            JsonNode inlined = inline(target, path, depth + 1);
            path.pop();
            if (inlined.isObject() && schema.has("description")) {
                ((ObjectNode) inlined).set("description", schema.get("description"));
            }
            return inlined;
        }
        ObjectNode copy = NODES.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (DROPPED.contains(key) || key.startsWith("x-") || value.isNull()) {
                continue;
            }
            copy.set(key, switch (key) {
                case "properties", "patternProperties", "dependentSchemas" -> inlineEach(value, path, depth);
                case "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
                        "unevaluatedProperties", "unevaluatedItems", "additionalItems" -> value.isObject()
                        ? inline(value, path, depth + 1) : plain(value);
                case "allOf", "anyOf", "oneOf", "prefixItems" -> inlineAll(value, path, depth);
                default -> plain(value);
            });
        }
        rewriteOpenApi30(copy);
        return copy;
    }

    private ObjectNode inlineEach(JsonNode schemas, Deque<String> path, int depth) {
        ObjectNode result = NODES.objectNode();
        schemas.fields().forEachRemaining(entry -> result.set(entry.getKey(), inline(entry.getValue(), path,
                depth + 1)));
        return result;
    }

    private JsonNode inlineAll(JsonNode schemas, Deque<String> path, int depth) {
        if (!schemas.isArray()) {
            return plain(schemas);
        }
        ArrayNode result = NODES.arrayNode();
        schemas.forEach(schema -> result.add(inline(schema, path, depth + 1)));
        return result;
    }

    /** A copy in which decimal numbers the parser kept as {@code BigDecimal} (e.g. {@code 2.4E+2}) read plainly. */
    private static JsonNode plain(JsonNode value) {
        if (value.isBigDecimal()) {
            BigDecimal number = value.decimalValue().stripTrailingZeros();
            boolean integral = number.scale() <= 0 && number.toBigInteger().bitLength() < Long.SIZE;
            return integral ? NODES.numberNode(number.longValue()) : NODES.numberNode(number.doubleValue());
        }
        if (value.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            value.forEach(item -> copy.add(plain(item)));
            return copy;
        }
        if (value.isObject()) {
            ObjectNode copy = NODES.objectNode();
            value.fields().forEachRemaining(field -> copy.set(field.getKey(), plain(field.getValue())));
            return copy;
        }
        return value;
    }

    /** OpenAPI 3.0 keywords in their JSON Schema form. */
    private static void rewriteOpenApi30(ObjectNode schema) {
        JsonNode nullable = schema.remove("nullable");
        if (nullable != null && nullable.asBoolean() && schema.get("type") != null
                && schema.get("type").isTextual()) {
            schema.set("type", NODES.arrayNode().add(schema.get("type").asText()).add("null"));
        }
        exclusive(schema, "exclusiveMinimum", "minimum");
        exclusive(schema, "exclusiveMaximum", "maximum");
    }

    private static void exclusive(ObjectNode schema, String exclusive, String bound) {
        JsonNode flag = schema.get(exclusive);
        if (flag != null && flag.isBoolean()) {
            schema.remove(exclusive);
            if (flag.asBoolean() && schema.has(bound)) {
                schema.set(exclusive, schema.remove(bound));
            }
        }
    }

    private JsonNode target(String ref) {
        if (!ref.startsWith("#/")) {
            return null;
        }
        JsonNode target = document.at(ref.substring(1));
        return target.isMissingNode() ? null : target;
    }
}
