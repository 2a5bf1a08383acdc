package dev.xiaozhi.relay.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the relay.
 * <p>
 * Numbers keep their exact JSON form: integers beyond {@code long} become {@link java.math.BigInteger} and decimals
 * {@link java.math.BigDecimal}, so request ids and tool arguments travel unchanged.
 */
public final class Json {

    /** Maximum nesting depth accepted in any incoming JSON document. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** Shared, thread-safe mapper. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
    }

    private Json() {
    }

    /**
     * Parses a JSON document.
     *
     * @throws JsonProcessingException when the text is not one well-formed JSON value
     */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /**
     * The compact JSON text of a value, as {@link JsonNode#toString()} writes it; integers and strings (request
     * ids, on every message) without going through a serializer.
     */
    public static String compact(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        return node.isTextual() ? quote(node.textValue()) : node.toString();
    }

    /**
     * Encodes a string as a JSON string literal, quotes included, escaped as the mapper's generator escapes it
     * (the same table), without creating a generator per string.
     */
    public static String quote(String text) {
        char[] escaped = JsonStringEncoder.getInstance().quoteAsString(text);
        return new StringBuilder(escaped.length + 2).append('"').append(escaped).append('"').toString();
    }
}
