package dev.vectorcnn.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that safetensors headers need, nothing more: {@link #parse} turns text into
 * {@code Map<String, Object>} (key order kept), {@code List<Object>}, {@code String}, {@code Long}
 * (integer literals that fit one), {@code Double} (other numbers), {@code Boolean} or {@code null};
 * {@link #quote} writes a string literal. Numbers are read as serde_json (the safetensors reference's
 * parser) reads them: {@code -0} and integers too large for a {@code long} as doubles, and a number
 * too large for a double is an error. Duplicate keys are rejected, since a header naming one tensor
 * twice is corrupt.
 */
final class Json {

    /**
     * The most arrays and objects nested in one another: serde_json's (its recursion limit of 128 refuses
     * the 128th), deeper than any safetensors header, and a bound that keeps hostile input off the stack limit.
     */
    private static final int MAX_DEPTH = 127;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value filling {@code text} (surrounding whitespace allowed). */
    static Object parse(String text) throws JsonException {
        Json parser = new Json(text);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text after the JSON value");
        }
        return value;
    }

    /** {@code value} as a JSON string literal, quotes included. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A syntax error, with the character offset where it was found. */
    static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message);
        }
    }

    private JsonException error(String message) {
        return new JsonException(message + " at character " + pos);
    }

    /** The value at {@code pos}, inside {@code depth} arrays and objects. */
    private Object value(int depth) throws JsonException {
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{', '[' -> {
                if (depth == MAX_DEPTH) {
                    throw error("more than " + MAX_DEPTH + " arrays and objects nested");
                }
                yield c == '{' ? object(depth) : array(depth);
            }
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) throws JsonException {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyStart = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth + 1);
            if (map.containsKey(key)) {
                pos = keyStart;
                throw error("duplicate key " + quote(key));
            }
            map.put(key, value);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        List<Object> list = new ArrayList<>();
        pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws JsonException {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character in string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char unit = hexEscape();
                    if (Character.isLowSurrogate(unit)) {
                        pos -= 6;
                        throw error("lone low surrogate \\u" + Integer.toHexString(unit));
                    }
                    out.append(unit);
                    if (Character.isHighSurrogate(unit)) {
                        // A character outside the BMP: the low half must follow as an escape of its own.
                        int high = pos - 6;
                        if (!text.startsWith("\\u", pos)) {
                            pos = high;
                            throw error("high surrogate \\u" + Integer.toHexString(unit) + " without its low half");
                        }
                        pos += 2;
                        char low = hexEscape();
                        if (!Character.isLowSurrogate(low)) {
                            pos = high;
                            throw error("high surrogate \\u" + Integer.toHexString(unit) + " without its low half");
                        }
                        out.append(low);
                    }
                }
                default -> {
                    pos--;
                    throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }

    /** The four hex digits after {@code \\u} (at {@code pos}) as one UTF-16 unit; ASCII hex digits only. */
    private char hexEscape() throws JsonException {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int unit = 0;
        for (int i = 0; i < 4; i++) {
            char c = text.charAt(pos + i);
            int digit = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            unit = unit * 16 + digit;
        }
        pos += 4;
        return (char) unit;
    }

    /**
     * RFC 8259's number: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, ASCII digits only.
     * Integers come back as {@code Long}; {@code -0}, integers beyond {@code long} and every other number
     * as a {@code Double}, as serde_json reads them, so {@code -0} never passes for a size or offset.
     */
    private Object number() throws JsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int digits = pos;
        int integerDigits = skipAsciiDigits();
        if (integerDigits == 0) {
            throw error("expected a digit");
        }
        if (integerDigits > 1 && text.charAt(digits) == '0') {
            pos = digits;
            throw error("leading zero in a number");
        }
        boolean integer = true;
        if (pos < text.length() && text.charAt(pos) == '.') {
            integer = false;
            pos++;
            if (skipAsciiDigits() == 0) {
                throw error("expected a digit after '.'");
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            integer = false;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (skipAsciiDigits() == 0) {
                throw error("expected a digit in the exponent");
            }
        }
        String literal = text.substring(start, pos);
        if (integer && literal.equals("-0")) {
            return -0.0;
        }
        if (integer) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException e) {
                // Too large for a long: a double, as serde_json falls back to f64.
            }
        }
        double value = Double.parseDouble(literal);
        if (Double.isInfinite(value)) {
            pos = start;
            throw error("number " + literal + " out of range");
        }
        return value;
    }

    /** Moves past the ASCII digits at {@code pos}; the number of them. */
    private int skipAsciiDigits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos - start;
    }

    private Object literal(String word, Object value) throws JsonException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) throws JsonException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() throws JsonException {
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        return text.charAt(pos);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
