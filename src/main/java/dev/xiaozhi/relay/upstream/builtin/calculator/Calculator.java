package dev.xiaozhi.relay.upstream.builtin.calculator;

import java.math.BigDecimal;

/**
 * A safe arithmetic evaluator: numbers with decimals and exponents, {@code + - * / % **} (also {@code ^}),
 * parentheses, unary minus and plus, the functions {@code sqrt sin cos tan asin acos atan log log10 exp abs round
 * floor ceil min max pow} and the constants {@code pi} and {@code e}. No script engine and no reflection; length,
 * nesting and non-finite results are guarded, so every input ends quickly in a number or a
 * {@link CalculatorException}.
 */
public final class Calculator {

    /** Longest expression accepted. */
    public static final int MAX_LENGTH = 1000;

    private static final double PLAIN_MIN = 1e-6;
    private static final double PLAIN_MAX = 1e15;

    private Calculator() {
    }

    /**
     * Evaluates an expression.
     *
     * @throws CalculatorException with a helpful message for any problem
     */
    public static double evaluate(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new CalculatorException("expression is empty");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new CalculatorException("expression is longer than " + MAX_LENGTH + " characters");
        }
        return new ExpressionParser(expression).parse();
    }

    /** Formats a result: integers without a decimal point, others in their shortest exact form. */
    public static String format(double value) {
        double magnitude = Math.abs(value);
        if (value == Math.rint(value) && magnitude < PLAIN_MAX) {
            return Long.toString((long) value);
        }
        if (magnitude >= PLAIN_MIN && magnitude < PLAIN_MAX) {
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
        return Double.toString(value);
    }
}
