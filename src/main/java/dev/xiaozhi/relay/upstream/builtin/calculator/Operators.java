package dev.xiaozhi.relay.upstream.builtin.calculator;

/** The arithmetic of the binary operators, with their guards. */
final class Operators {

    private Operators() {
    }

    static double apply(char operator, double left, double right) {
        return switch (operator) {
            case '+' -> finite(left + right);
            case '-' -> finite(left - right);
            case '*' -> finite(left * right);
            case '/' -> finite(left / nonZero(right));
            case '%' -> finite(left % nonZero(right));
            case '^' -> power(left, right);
            default -> throw new IllegalArgumentException("operator " + operator);
        };
    }

    static double power(double base, double exponent) {
        double value = Math.pow(base, exponent);
        if (Double.isInfinite(value)) {
            throw new CalculatorException("exponent too large: the result does not fit in a number");
        }
        if (Double.isNaN(value)) {
            throw new CalculatorException(Calculator.format(base) + " ** " + Calculator.format(exponent)
                    + " is not a real number");
        }
        return value;
    }

    static double finite(double value) {
        if (!Double.isFinite(value)) {
            throw new CalculatorException("result is not a finite number");
        }
        return value;
    }

    private static double nonZero(double divisor) {
        if (divisor == 0) {
            throw new CalculatorException("division by zero");
        }
        return divisor;
    }
}
