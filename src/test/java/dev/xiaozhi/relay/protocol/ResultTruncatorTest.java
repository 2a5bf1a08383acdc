package dev.xiaozhi.relay.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies that results are fitted into the cap as valid, marked JSON. */
class ResultTruncatorTest {

    private static final int CAP = 8192;
    private final ResultTruncator truncator = new ResultTruncator(CAP);

    /** Verifies that results that fit are passed on unchanged. */
    @Test
    void keepsResultsThatFit() {
        String result = ToolResults.text("short");

        assertThat(truncator.fit("1", result)).isSameAs(result);
    }

    /** Verifies that any oversized text is cut on a character boundary into a response within the cap. */
    @ParameterizedTest
    @ValueSource(strings = {"a", "\"", "\n", "\u0001", "é", "汉", "😀", "a\"é\\汉😀\u0002"})
    void cutsOversizedResultsIntoTheCap(String unit) throws Exception {
        String text = unit.repeat(20_000 / unit.length());
        String rawId = "123456789012345678901234567890";

        String fitted = truncator.fit(rawId, ToolResults.error(text));

        String response = JsonRpc.response(rawId, fitted);
        assertThat(response.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(CAP);
        JsonNode parsed = Json.parse(response);
        String shown = parsed.at("/result/content/0/text").asText();
        String kept = shown.substring(0, shown.indexOf("\n[truncated by the relay: "));
        assertThat(text).startsWith(kept);
        assertThat(kept.length()).isGreaterThan(CAP / 8);
        assertThat(parsed.at("/result/isError").asBoolean()).isTrue();
        assertThat(shown).endsWith("of " + Utf8.length(ToolResults.error(text)) + " bytes shown]");
    }

    /** Verifies that structured content alone is kept as compact text when it must be cut. */
    @Test
    void turnsOversizedStructuredContentIntoText() throws Exception {
        String result = "{\"content\":[],\"structuredContent\":{\"rows\":\"" + "r".repeat(10_000) + "\"}}";

        JsonNode fitted = Json.parse(truncator.fit("0", result));

        assertThat(fitted.at("/content/0/text").asText()).startsWith("{\"rows\":\"rrr");
        assertThat(fitted.has("structuredContent")).isFalse();
    }
}
