package dev.xiaozhi.relay.upstream.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.upstream.openapi.OpenApiParameter.Location;
import dev.xiaozhi.relay.upstream.openapi.OpenApiParameter.Style;
import org.junit.jupiter.api.Test;

/** Verifies the OpenAPI parameter styles against the examples of the specification's "Style Examples" table. */
class ParameterSerializerTest {

    private static final JsonNode STRING = json("\"blue\"");
    private static final JsonNode ARRAY = json("[\"blue\",\"black\",\"brown\"]");
    private static final JsonNode OBJECT = json("{\"R\":100,\"G\":200,\"B\":150}");

    /** Verifies simple, label and matrix path styles, exploded and not. */
    @Test
    void serializesPathStyles() {
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.SIMPLE, false), ARRAY))
                .isEqualTo("blue,black,brown");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.SIMPLE, true), OBJECT))
                .isEqualTo("R=100,G=200,B=150");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.SIMPLE, false), OBJECT))
                .isEqualTo("R,100,G,200,B,150");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.LABEL, false), STRING)).isEqualTo(".blue");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.LABEL, true), ARRAY))
                .isEqualTo(".blue.black.brown");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.MATRIX, false), ARRAY))
                .isEqualTo(";color=blue,black,brown");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.MATRIX, true), ARRAY))
                .isEqualTo(";color=blue;color=black;color=brown");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.MATRIX, true), OBJECT))
                .isEqualTo(";R=100;G=200;B=150");
    }

    /** Verifies form, spaceDelimited, pipeDelimited and deepObject query styles. */
    @Test
    void serializesQueryStyles() {
        assertThat(ParameterSerializer.query(param(Location.QUERY, Style.FORM, true), ARRAY))
                .containsExactly("color=blue", "color=black", "color=brown");
        assertThat(ParameterSerializer.query(param(Location.QUERY, Style.FORM, false), ARRAY))
                .containsExactly("color=blue,black,brown");
        assertThat(ParameterSerializer.query(param(Location.QUERY, Style.FORM, true), OBJECT))
                .containsExactly("R=100", "G=200", "B=150");
        assertThat(ParameterSerializer.query(param(Location.QUERY, Style.SPACE_DELIMITED, false), ARRAY))
                .containsExactly("color=blue%20black%20brown");
        assertThat(ParameterSerializer.query(param(Location.QUERY, Style.PIPE_DELIMITED, false), ARRAY))
                .containsExactly("color=blue%7Cblack%7Cbrown");
        assertThat(ParameterSerializer.query(param(Location.QUERY, Style.DEEP_OBJECT, true), OBJECT))
                .containsExactly("color%5BR%5D=100", "color%5BG%5D=200", "color%5BB%5D=150");
    }

    /** Verifies that reserved characters and non-ASCII text are percent-encoded as UTF-8. */
    @Test
    void encodesReservedAndUnicodeCharacters() {
        assertThat(ParameterSerializer.query(param(Location.QUERY, Style.FORM, true), json("\"a b&c=d/é\"")))
                .containsExactly("color=a%20b%26c%3Dd%2F%C3%A9");
        assertThat(ParameterSerializer.path(param(Location.PATH, Style.SIMPLE, false), json("\"../admin?x\"")))
                .isEqualTo("..%2Fadmin%3Fx");
        assertThat(ParameterSerializer.header(param(Location.HEADER, Style.SIMPLE, false), ARRAY))
                .isEqualTo("blue,black,brown");
        assertThat(ParameterSerializer.cookie(param(Location.COOKIE, Style.FORM, false), json("42")))
                .isEqualTo("color=42");
    }

    private static OpenApiParameter param(Location in, Style style, boolean explode) {
        return new OpenApiParameter("color", "color", in, style, explode, false);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
