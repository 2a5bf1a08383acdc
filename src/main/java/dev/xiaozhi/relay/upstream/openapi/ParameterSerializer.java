package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serializes parameter values by OpenAPI {@code style} and {@code explode} (OpenAPI 3 "Style Values"), percent-encoding
 * every character outside RFC 3986's unreserved set where the value goes into a URL, and the dots of a path value made
 * of dots only, so no value becomes a dot segment that leads the request off the operation's path.
 */
final class ParameterSerializer {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ParameterSerializer() {
    }

    /** The path segment text replacing {@code {name}}. */
    static String path(OpenApiParameter parameter, JsonNode value) {
        String name = encode(parameter.name());
        boolean explode = parameter.explode();
        return switch (parameter.style()) {
            case LABEL -> "." + String.join(explode ? "." : ",", pathItems(value, explode));
            case MATRIX -> matrix(name, value, explode);
            default -> String.join(",", pathItems(value, explode));
        };
    }

    /** The {@code name=value} pairs of a query parameter, encoded, without separators between pairs. */
    static List<String> query(OpenApiParameter parameter, JsonNode value) {
        String name = encode(parameter.name());
        List<String> pairs = new ArrayList<>();
        switch (parameter.style()) {
            case DEEP_OBJECT -> value.properties().forEach(entry -> pairs.add(name + "%5B" + encode(entry.getKey())
                    + "%5D=" + encode(text(entry.getValue()))));
            case SPACE_DELIMITED -> pairs.add(name + "=" + String.join("%20", items(value, false, true)));
            case PIPE_DELIMITED -> pairs.add(name + "=" + String.join("%7C", items(value, false, true)));
            default -> {
                if (value.isObject() && parameter.explode()) {
                    value.properties().forEach(entry -> pairs.add(encode(entry.getKey()) + "="
                            + encode(text(entry.getValue()))));
                } else if (value.isArray() && parameter.explode()) {
                    value.forEach(item -> pairs.add(name + "=" + encode(text(item))));
                } else {
                    pairs.add(name + "=" + String.join(",", items(value, false, true)));
                }
            }
        }
        return pairs;
    }

    /** A header value ({@code simple} style, not encoded). */
    static String header(OpenApiParameter parameter, JsonNode value) {
        return String.join(",", items(value, parameter.explode(), false));
    }

    /** A {@code name=value} cookie pair ({@code form} style). */
    static String cookie(OpenApiParameter parameter, JsonNode value) {
        return parameter.name() + "=" + String.join(",", items(value, false, false));
    }

    /** Percent-encodes all but RFC 3986 unreserved characters. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            char c = (char) (b & 0xFF);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }

    private static String matrix(String name, JsonNode value, boolean explode) {
        if (value.isArray() && explode) {
            StringBuilder text = new StringBuilder();
            value.forEach(item -> text.append(';').append(name).append('=').append(encode(text(item))));
            return text.toString();
        }
        if (value.isObject() && explode) {
            return ";" + String.join(";", items(value, true, true));
        }
        return ";" + name + "=" + String.join(",", items(value, false, true));
    }

    /** Array items, or object members as {@code k=v} (exploded) or {@code k,v}; a scalar is one item. */
    private static List<String> items(JsonNode value, boolean explode, boolean encoded) {
        List<String> items = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(item -> items.add(maybeEncode(text(item), encoded)));
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                String key = maybeEncode(entry.getKey(), encoded);
                String member = maybeEncode(text(entry.getValue()), encoded);
                if (explode) {
                    items.add(key + "=" + member);
                } else {
                    items.add(key);
                    items.add(member);
                }
            }
        } else {
            items.add(maybeEncode(text(value), encoded));
        }
        return items;
    }

    /** Encoded items with the dots of an all-dots item encoded too: {@code ..} becomes {@code %2E%2E}. */
    private static List<String> pathItems(JsonNode value, boolean explode) {
        return items(value, explode, true).stream()
                .map(item -> !item.isEmpty() && item.chars().allMatch(c -> c == '.') ? item.replace(".", "%2E") : item)
                .toList();
    }

    private static String maybeEncode(String text, boolean encoded) {
        return encoded ? encode(text) : text;
    }

    /** A scalar's text; nested structures as compact JSON. */
    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
