package errgroupkatas.tools.grade;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON document (RFC 8259) into plain values: an object becomes a {@code Map<String,
 * Object>} in document order, an array a {@code List<Object>}, a string a {@code String}, a number a
 * {@link BigDecimal}, {@code true}/{@code false} a {@code Boolean} and {@code null} {@code null};
 * and quotes a string for writing ({@link #quote}).
 * Enough to read back what {@link GradeJson} writes without a library, so that the class table and
 * the Classroom workflow run from the sources alone ({@code java path/to/ClassTable.java}).
 *
 * <p>{@link #parse} throws {@link IllegalArgumentException} naming the offset of the first thing
 * that is not JSON; it never returns a partial document.
 */
final class JsonReader {

    private final String text;
    private int at;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The value {@code text} holds, which must be one JSON value with nothing but white space around it. */
    static Object parse(String text) {
        JsonReader r = new JsonReader(text);
        Object value = r.value();
        r.space();
        if (r.at != text.length()) {
            throw r.error("end of the document");
        }
        return value;
    }

    /** {@code value} as an object, or an empty map when it is not one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** {@code value} as an array, or an empty list when it is not one. */
    @SuppressWarnings("unchecked")
    static List<Object> array(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** {@code value} as a string, or {@code orElse} when it is not one. */
    static String string(Object value, String orElse) {
        return value instanceof String s ? s : orElse;
    }

    /** {@code value} as a whole number, or {@code orElse} when it is not a number. */
    static int integer(Object value, int orElse) {
        return value instanceof BigDecimal d ? d.intValue() : orElse;
    }

    /** {@code value} as a number, or {@code orElse} when it is not one. */
    static double decimal(Object value, double orElse) {
        return value instanceof BigDecimal d ? d.doubleValue() : orElse;
    }

    /**
     * {@code s} as a JSON string literal, escaped as {@link GradeJson} escapes it. Kept here, not
     * borrowed from {@code GradeJson}, so that what runs from its sources with the JDK alone (the
     * class table, the Classroom workflow) compiles only this class and never the grader's model.
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private Object value() {
        space();
        if (at >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("a value");
            }
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> members = new LinkedHashMap<>();
        at++; // {
        space();
        if (peek('}')) {
            at++;
            return members;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw error("a member name in quotes");
            }
            String name = string();
            space();
            expect(':');
            members.put(name, value());
            space();
            if (peek(',')) {
                at++;
            } else {
                expect('}');
                return members;
            }
        }
    }

    private List<Object> array() {
        List<Object> items = new ArrayList<>();
        at++; // [
        space();
        if (peek(']')) {
            at++;
            return items;
        }
        while (true) {
            items.add(value());
            space();
            if (peek(',')) {
                at++;
            } else {
                expect(']');
                return items;
            }
        }
    }

    private String string() {
        at++; // "
        StringBuilder b = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("the string's closing quote");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return b.toString();
            } else if (c < 0x20) {
                throw error("no control character inside a string", at - 1);
            } else if (c != '\\') {
                b.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("an escape");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("four hex digits");
                    }
                    try {
                        b.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("four hex digits");
                    }
                    at += 4;
                }
                default -> throw error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at - 1);
            }
        }
    }

    private BigDecimal number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String n = text.substring(start, at);
        if (!n.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
            throw error("a number", start);
        }
        return new BigDecimal(n);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("a value");
        }
        at += word.length();
        return value;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException error(String expected) {
        return error(expected, at);
    }

    private IllegalArgumentException error(String expected, int offset) {
        String found = offset >= text.length() ? "the end" : "'" + text.charAt(offset) + "'";
        return new IllegalArgumentException("not JSON: expected " + expected + " at offset " + offset + ", found " + found);
    }
}
