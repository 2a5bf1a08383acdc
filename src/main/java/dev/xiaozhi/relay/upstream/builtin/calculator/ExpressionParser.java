package dev.xiaozhi.relay.upstream.builtin.calculator;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser that evaluates while it parses. Grammar, loosest first:
 * sum = product (('+'|'-') product)*; product = unary (('*'|'/'|'%') unary)*; unary = ('-'|'+') unary | power;
 * power = primary (('**'|'^') unary)?; primary = number | name | name '(' sum (',' sum)* ')' | '(' sum ')'.
 */
final class ExpressionParser {

    /** Deepest nesting of parentheses, calls, unary signs and powers. */
    static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;
    private int depth;

    ExpressionParser(String text) {
        this.text = text;
    }

    double parse() {
        double value = sum();
        skipSpaces();
        if (pos < text.length()) {
            throw unexpected();
        }
        return value;
    }

    private double sum() {
        double value = product();
        for (char op = peekOperator(); op == '+' || op == '-'; op = peekOperator()) {
            pos++;
            value = Operators.apply(op, value, product());
        }
        return value;
    }

    private double product() {
        double value = unary();
        for (char op = peekOperator(); op == '*' || op == '/' || op == '%'; op = peekOperator()) {
            pos++;
            value = Operators.apply(op, value, unary());
        }
        return value;
    }

    private double unary() {
        char op = peekOperator();
        if (op == '-' || op == '+') {
            pos++;
            enter();
            double value = unary();
            depth--;
            return op == '-' ? -value : value;
        }
        return power();
    }

    private double power() {
        double base = primary();
        if (peekOperator() == '^') {
            pos += text.charAt(pos) == '^' ? 1 : 2;
            enter();
            double exponent = unary();
            depth--;
            return Operators.power(base, exponent);
        }
        return base;
    }

    private double primary() {
        skipSpaces();
        if (pos >= text.length()) {
            throw new CalculatorException("expression ends too early at position " + (pos + 1));
        }
        char c = text.charAt(pos);
        if (c == '(') {
            pos++;
            enter();
            double value = sum();
            expect(')');
            depth--;
            return value;
        }
        if (Character.isDigit(c) || c == '.') {
            return number();
        }
        if (Character.isLetter(c)) {
            return nameOrCall();
        }
        throw unexpected();
    }

    private double nameOrCall() {
        int start = pos;
        while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        skipSpaces();
        if (pos >= text.length() || text.charAt(pos) != '(') {
            return Functions.constant(name);
        }
        pos++;
        enter();
        List<Double> args = new ArrayList<>();
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == ')') {
            pos++;
        } else {
            args.add(sum());
            skipSpaces();
            while (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                args.add(sum());
                skipSpaces();
            }
            expect(')');
        }
        depth--;
        return Functions.apply(name, args);
    }

    private double number() {
        int start = pos;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            pos++;
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int mark = pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= text.length() || !Character.isDigit(text.charAt(pos))) {
                pos = mark;
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        String literal = text.substring(start, pos);
        try {
            double value = Double.parseDouble(literal);
            if (Double.isInfinite(value)) {
                throw new CalculatorException("number " + literal + " is too large");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new CalculatorException("malformed number '" + literal + "' at position " + (start + 1));
        }
    }

    /** The operator at the cursor ({@code ^} also for {@code **}), or 0. */
    private char peekOperator() {
        skipSpaces();
        if (pos >= text.length()) {
            return 0;
        }
        char c = text.charAt(pos);
        if (c == '*' && pos + 1 < text.length() && text.charAt(pos + 1) == '*') {
            return '^';
        }
        return "+-*/%^".indexOf(c) >= 0 ? c : 0;
    }

    private void expect(char wanted) {
        skipSpaces();
        if (pos >= text.length()) {
            throw new CalculatorException("missing '" + wanted + "' at the end");
        }
        if (text.charAt(pos) != wanted) {
            throw unexpected();
        }
        pos++;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new CalculatorException("expression is nested too deeply (more than " + MAX_DEPTH + " levels)");
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private CalculatorException unexpected() {
        return new CalculatorException("unexpected '" + text.charAt(pos) + "' at position " + (pos + 1));
    }
}
