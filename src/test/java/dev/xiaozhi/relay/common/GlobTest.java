package dev.xiaozhi.relay.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Verifies what glob patterns match. */
class GlobTest {

    /** Verifies stars, question marks and literals, anchored at both ends. */
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "*, '', true", "*, anything, true", "calc*, calculator, true", "calc*, mycalc, false",
        "*___add, calculator___add, true", "*___add, calculator___addx, false", "a?c, abc, true", "a?c, ac, false",
        "a*a, a, false", "a*a, aa, true", "*a*b*, xxaxxbxx, true", "*a*b*, xxbxxaxx, false", "a**b, ab, true",
        "exact, exact, true", "exact, exactly, false", "?*?, ab, true", "?*?, a, false", "'*.*', a.b, true",
        "'[x]*', '[x]y', true", "'a\\*', 'a\\b', true"})
    void matches(String glob, String text, boolean expected) {
        assertThat(Glob.matches(glob, text)).isEqualTo(expected);
    }

    /** Verifies that the matcher agrees with the regular expression a glob stands for, on random inputs. */
    @Test
    void agreesWithTheRegularExpression() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            String glob = random(random, "ab*?", 1 + random.nextInt(7));
            String text = random(random, "abc", random.nextInt(9));
            String regex = glob.replace("?", ".").replace("*", ".*");
            assertThat(Glob.matches(glob, text)).as("%s ~ %s", glob, text)
                    .isEqualTo(Pattern.compile(regex, Pattern.DOTALL).matcher(text).matches());
        }
    }

    /** Verifies the limits on accepted patterns. */
    @Test
    void acceptsOnlyBoundedPatterns() {
        assertThat(Glob.isAcceptable("calc*")).isTrue();
        assertThat(Glob.isAcceptable("x".repeat(Glob.MAX_CHARS))).isTrue();
        assertThat(Glob.isAcceptable("x".repeat(Glob.MAX_CHARS + 1))).isFalse();
        assertThat(Glob.isAcceptable("*".repeat(Glob.MAX_STARS))).isTrue();
        assertThat(Glob.isAcceptable("*".repeat(Glob.MAX_STARS + 1))).isFalse();
        assertThat(Glob.isAcceptable("")).isFalse();
    }

    private static String random(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
