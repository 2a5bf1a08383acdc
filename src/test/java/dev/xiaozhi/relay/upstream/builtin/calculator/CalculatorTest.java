package dev.xiaozhi.relay.upstream.builtin.calculator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies the calculator's arithmetic and its guards against hostile input. */
class CalculatorTest {

    /** Verifies that expressions evaluate to their expected values. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "1 + 2 | 3",
        "2 + 3 * 4 | 14",
        "(2 + 3) * 4 | 20",
        "10 - 4 - 3 | 3",
        "100 / 10 / 5 | 2",
        "7 % 3 | 1",
        "-7 % 3 | -1",
        "2 ** 10 | 1024",
        "2 ^ 10 | 1024",
        "2 ** 3 ** 2 | 512",
        "-2 ** 2 | -4",
        "(-2) ** 2 | 4",
        "2 ** -1 | 0.5",
        "--3 | 3",
        "+4 | 4",
        "3 * -2 | -6",
        ".5 + 2. | 2.5",
        "1e3 + 2.5E-1 | 1000.25",
        "1.5e+2 | 150",
        "sqrt(16) | 4",
        "sin(pi / 2) | 1",
        "cos(0) | 1",
        "tan(pi / 4) | 1",
        "asin(1) | 1.5707963267948966",
        "acos(1) | 0",
        "atan(1) * 4 | 3.141592653589793",
        "log(e) | 1",
        "log(8, 2) | 3",
        "log10(1000) | 3",
        "exp(0) | 1",
        "abs(-3.5) | 3.5",
        "round(2.5) | 3",
        "round(-2.5) | -3",
        "floor(-1.5) | -2",
        "ceil(1.2) | 2",
        "min(4, 2, 8) | 2",
        "max(4, 2, 8, 3) | 8",
        "pow(3, 4) | 81",
        "PI * 2 | 6.283185307179586",
        "  ( 1 + 2 )  *  ( 3 + 4 ) | 21",
        "0.1 + 0.2 | 0.30000000000000004",
    })
    void evaluates(String expression, double expected) {
        assertThat(Calculator.evaluate(expression)).isCloseTo(expected, within(1e-9));
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("9**9**9", "exponent too large"),
                Arguments.of("10**400", "exponent too large"),
                Arguments.of("2**99999", "exponent too large"),
                Arguments.of("1e999", "is too large"),
                Arguments.of("1/0", "division by zero"),
                Arguments.of("5 % 0", "division by zero"),
                Arguments.of("sqrt(-1)", "sqrt(-1) is not a real number"),
                Arguments.of("log(-1)", "is not a real number"),
                Arguments.of("asin(2)", "asin(2) is not a real number"),
                Arguments.of("(-8) ** 0.5", "is not a real number"),
                Arguments.of("(".repeat(100) + "1" + ")".repeat(100), "nested too deeply"),
                Arguments.of("-".repeat(200) + "1", "nested too deeply"),
                Arguments.of("1+".repeat(500) + "1", "longer than 1000 characters"),
                Arguments.of("2+", "ends too early"),
                Arguments.of(")(", "unexpected ')' at position 1"),
                Arguments.of("1 2", "unexpected '2' at position 3"),
                Arguments.of("foo(1)", "unknown function 'foo'"),
                Arguments.of("x + 1", "unknown name 'x'"),
                Arguments.of("pow(1)", "pow takes 2 arguments, got 1"),
                Arguments.of("sqrt(1, 2)", "sqrt takes 1 argument, got 2"),
                Arguments.of("max()", "max takes at least 1 arguments, got 0"),
                Arguments.of("(1 + 2", "missing ')'"),
                Arguments.of("1..2", "malformed number"),
                Arguments.of("", "expression is empty"),
                Arguments.of("   ", "expression is empty"),
                Arguments.of(null, "expression is empty"),
                Arguments.of("1e308 * 10", "not a finite number"),
                Arguments.of("import os", "unknown name 'import'"));
    }

    /** Verifies that hostile and malformed input ends quickly in a helpful error, never a hang or a crash. */
    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("hostile")
    void refusesHostileInput(String expression, String message) {
        assertThatThrownBy(() -> Calculator.evaluate(expression))
                .isInstanceOf(CalculatorException.class)
                .hasMessageContaining(message);
    }

    /** Verifies that results are formatted for people: integers plain, others in their shortest exact form. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"4, 4", "-12, -12", "2.5, 2.5", "0.30000000000000004, 0.30000000000000004", "1e20, 1.0E20",
        "0.000001, 0.000001", "1e-9, 1.0E-9", "-0.0, 0"})
    void formatsResults(double value, String expected) {
        assertThat(Calculator.format(value)).isEqualTo(expected);
    }
}
