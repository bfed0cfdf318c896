package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small JSON reader and string writer behind safetensors headers. */
class JsonTest {

    @Test
    void parses_every_value_kind() throws Exception {
        Object value = Json.parse(" {\"a\": [1, -2, 3.5, 1e3], \"b\": {\"c\": \"x\\\"y\\u0041\\n\"}, "
                + "\"t\": true, \"f\": false, \"n\": null}   ");
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("a", List.of(1L, -2L, 3.5, 1000.0));
        expected.put("b", Map.of("c", "x\"yA\n"));
        expected.put("t", true);
        expected.put("f", false);
        expected.put("n", null);
        assertEquals(expected, value);
        assertEquals(List.of("a", "b", "t", "f", "n"), List.copyOf(((Map<?, ?>) value).keySet()));
    }

    @Test
    void quote_round_trips_awkward_strings() throws Exception {
        for (String s : List.of("", "plain", "quote\" backslash\\ tab\t nl\n cr\r", "\u0001\u001f", "é∑😀")) {
            assertEquals(s, Json.parse(Json.quote(s)));
        }
    }

    @Test
    void rejects_malformed_text_with_a_position() {
        for (String bad : Arrays.asList("", "{", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "\"open", "{\"a\":1} x",
                "01x", "-", "{1:2}", "\"bad \\q escape\"", "\"\\u12\"", "tru", "1e400", "-1" + "0".repeat(400),
                "\"tab\tinside\"",
                // RFC 8259 numbers: one leading zero at most, digits after '.' and 'e', ASCII digits only.
                "01", "-04", "1.", "1.e3", "1e", "1e+", "[1\u0661]", "\uff11",
                // \\u escapes: four ASCII hex digits, surrogates in pairs.
                "\"\\u+041\"", "\"\\u-041\"", "\"\\u\u0661\u0661\u0661\u0661\"", "\"\\ud800\"",
                "\"\\ud800x\"", "\"\\ud800\\u0041\"", "\"\\udc00\"")) {
            Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains(" at character "), e.getMessage());
        }
    }

    @Test
    void reads_numbers_and_escapes_as_rfc_8259_defines_them() throws Exception {
        assertEquals(List.of(0L, -7L, 10L, 0.5, -0.0, 1e-3, 250.0), Json.parse("[0, -7, 10, 0.5, -0, 1E-3, 2.5e+2]"));
        // Past a long, as serde_json past u64: a double.
        assertEquals(List.of(Long.MAX_VALUE, 9.223372036854775808e18, 1e20),
                Json.parse("[9223372036854775807, 9223372036854775808, 100000000000000000000]"));
        // A pair of escapes is one character outside the BMP; hex digits in either case.
        assertEquals("\uD83D\uDE00\u00e9\u00C9", Json.parse("\"\\ud83d\\uDE00\\u00e9\\u00C9\""));
    }

    @Test
    void rejects_duplicate_keys_and_deep_nesting() throws Exception {
        assertThrows(Json.JsonException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
        // serde_json's recursion limit: 127 arrays nested parse, the 128th is refused.
        assertTrue(Json.parse("[".repeat(127) + "1" + "]".repeat(127)) instanceof List);
        Json.JsonException e = assertThrows(Json.JsonException.class,
                () -> Json.parse("[".repeat(128) + "1" + "]".repeat(128)));
        assertTrue(e.getMessage().contains("more than 127 arrays and objects nested"), e.getMessage());
    }
}
