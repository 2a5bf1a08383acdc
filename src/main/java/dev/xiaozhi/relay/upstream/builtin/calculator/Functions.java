package dev.xiaozhi.relay.upstream.builtin.calculator;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The functions and constants an expression may use. */
final class Functions {

    private static final Map<String, DoubleUnaryOperator> UNARY = Map.ofEntries(
            Map.entry("sqrt", Math::sqrt), Map.entry("sin", Math::sin), Map.entry("cos", Math::cos),
            Map.entry("tan", Math::tan), Map.entry("asin", Math::asin), Map.entry("acos", Math::acos),
            Map.entry("atan", Math::atan), Map.entry("log10", Math::log10), Map.entry("exp", Math::exp),
            Map.entry("abs", Math::abs), Map.entry("floor", Math::floor), Map.entry("ceil", Math::ceil),
            Map.entry("round", Functions::roundHalfAwayFromZero));
    private static final Map<String, Double> CONSTANTS = Map.of("pi", Math.PI, "e", Math.E);
    private static final String KNOWN_FUNCTIONS = Stream.concat(UNARY.keySet().stream(),
            Stream.of("log", "min", "max", "pow")).sorted().collect(Collectors.joining(", "));

    private Functions() {
    }

    /** The value of a constant. */
    static double constant(String name) {
        Double value = CONSTANTS.get(name.toLowerCase(Locale.ROOT));
        if (value == null) {
            throw new CalculatorException("unknown name '" + name + "'; known constants: pi, e; known functions: "
                    + KNOWN_FUNCTIONS);
        }
        return value;
    }

    /** Applies a function to its arguments. */
    static double apply(String name, List<Double> args) {
        String key = name.toLowerCase(Locale.ROOT);
        DoubleUnaryOperator unary = UNARY.get(key);
        if (unary != null) {
            arity(name, args, 1, 1);
            return real(name, args, unary.applyAsDouble(args.get(0)));
        }
        return switch (key) {
            case "log" -> {
                arity(name, args, 1, 2);
                double value = Math.log(args.get(0)) / (args.size() == 1 ? 1 : Math.log(args.get(1)));
                yield real(name, args, value);
            }
            case "pow" -> {
                arity(name, args, 2, 2);
                yield Operators.power(args.get(0), args.get(1));
            }
            case "min" -> {
                arity(name, args, 1, Integer.MAX_VALUE);
                yield args.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            }
            case "max" -> {
                arity(name, args, 1, Integer.MAX_VALUE);
                yield args.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            }
            default -> throw new CalculatorException("unknown function '" + name + "'; known: " + KNOWN_FUNCTIONS);
        };
    }

    private static void arity(String name, List<Double> args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            String expected = min == max ? Integer.toString(min)
                    : max == Integer.MAX_VALUE ? "at least " + min : min + " or " + max;
            throw new CalculatorException(name + " takes " + expected + " argument" + (max == 1 ? "" : "s")
                    + ", got " + args.size());
        }
    }

    private static double real(String name, List<Double> args, double value) {
        if (Double.isNaN(value)) {
            throw new CalculatorException(name + "(" + args.stream().map(Calculator::format)
                    .reduce((a, b) -> a + ", " + b).orElse("") + ") is not a real number");
        }
        return Operators.finite(value);
    }

    private static double roundHalfAwayFromZero(double value) {
        return Math.signum(value) * Math.floor(Math.abs(value) + 0.5);
    }
}
