package dev.xiaozhi.relay.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests of {@link Json}. */
class JsonTest {

    /** Verifies that the compact text of ids is exactly what Jackson's own serialization writes. */
    @Test
    void compactWritesWhatTheSerializerWrites() throws Exception {
        for (String id : List.of("0", "-7", "2147483648", "-9223372036854775808", "123456789012345678901234567890",
                "\"abc\"", "\"\"", "\"q\\\"uote \\\\ back\\nline\\ttab\\u0001\"", "\"\u00e9\u4e2d\ud83d\ude00\"",
                "1.5", "null", "true", "{\"a\":[1,2]}")) {
            JsonNode node = Json.parse(id);
            assertThat(Json.compact(node)).as(id).isEqualTo(node.toString());
        }
    }

    /** Verifies that quoting a string escapes exactly as the mapper's generator does, every control char included. */
    @Test
    void quoteEscapesAsTheMapperDoes() throws Exception {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            every.append(c);
        }
        for (String text : List.of("", "plain", every.toString(), "\u00e9\u4e2d\ud83d\ude00 \u2028 \ud800 alone",
                "\"\\/</script>")) {
            assertThat(Json.quote(text)).as(text).isEqualTo(Json.MAPPER.writeValueAsString(text));
        }
    }
}
