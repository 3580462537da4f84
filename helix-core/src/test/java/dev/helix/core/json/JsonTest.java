package dev.helix.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.core.json.JsonValue.JsonArray;
import dev.helix.core.json.JsonValue.JsonBoolean;
import dev.helix.core.json.JsonValue.JsonNull;
import dev.helix.core.json.JsonValue.JsonNumber;
import dev.helix.core.json.JsonValue.JsonObject;
import dev.helix.core.json.JsonValue.JsonString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    private static double number(String text) {
        return ((JsonNumber) Json.parse(text)).value();
    }

    private static String string(String text) {
        return ((JsonString) Json.parse(text)).value();
    }

    @Test
    void nestedObjectsAndArraysKeepTheirOrderAndCanBeWalked() {
        JsonValue v = Json.parse(" {\"b\": [1, {\"c\": [true, false, null]}], \"a\": {}, \"e\": []}\n");
        assertThat(((JsonObject) v).members().keySet()).containsExactly("b", "a", "e");
        assertThat(v.get("b").flatMap(b -> b.get(1)).flatMap(o -> o.get("c")).flatMap(c -> c.get(2)))
                .contains(JsonNull.NULL);
        assertThat(v.get("b").flatMap(b -> b.get(1)).flatMap(o -> o.get("c")).flatMap(c -> c.get(0)))
                .contains(new JsonBoolean(true));
        assertThat(v.get("a")).contains(new JsonObject(java.util.Map.of()));
        assertThat(v.get("e")).contains(new JsonArray(List.of()));
        assertThat(v.get("missing")).isEmpty();
        assertThat(v.get(0)).isEmpty();
        assertThat(v.get("b").flatMap(b -> b.get(2))).isEmpty();
        assertThat(v.get("b").flatMap(b -> b.get(-1))).isEmpty();
        assertThat(v.render()).isEqualTo("{\"b\":[1,{\"c\":[true,false,null]}],\"a\":{},\"e\":[]}");
    }

    @Test
    void ofARepeatedKeyTheLastCounts() {
        assertThat(Json.parse("{\"a\": 1, \"b\": 2, \"a\": 3}").render()).isEqualTo("{\"b\":2,\"a\":3}");
    }

    @Test
    void escapesAreDecodedIncludingSurrogatePairs() {
        assertThat(string("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"")).isEqualTo("q\" b\\ s/ \b\f\n\r\t");
        assertThat(string("\"\\u00e9\\u00E9 \\u20AC\"")).isEqualTo("éé €");
        assertThat(string("\"\\ud83d\\ude00\"")).isEqualTo("😀").hasSize(2);
        assertThat(string("\"😀 ü 中\"")).isEqualTo("😀 ü 中");
        assertThat(string("\"\"")).isEmpty();
        assertThat(Json.parse("[\"a\\nb\\u0001\\\"\"]").render()).isEqualTo("[\"a\\nb\\u0001\\\"\"]");
    }

    @Test
    void numbersInEveryFormRFC8259Allows() {
        assertThat(number("0")).isZero();
        assertThat(number("-0")).isEqualTo(-0.0);
        assertThat(number("42")).isEqualTo(42);
        assertThat(number("-3.25")).isEqualTo(-3.25);
        assertThat(number("1e3")).isEqualTo(1000);
        assertThat(number("2.5E-3")).isEqualTo(0.0025);
        assertThat(number("1E+2")).isEqualTo(100);
        assertThat(number("12345678901234567890123")).isEqualTo(1.2345678901234568e22);
        assertThat(number("4.9e-324")).isEqualTo(Double.MIN_VALUE);
        assertThat(number("1e-400")).isZero();
        assertThat(number("1e400")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(number("0.1")).isEqualTo(0.1);
        assertThat(((JsonNumber) Json.parse("1.50")).text()).isEqualTo("1.50");
        assertThat(Json.parse("[1.50, 1e2, -0, 12345678901234567890123]").render())
                .isEqualTo("[1.5,100.0,0,12345678901234567890123]");
    }

    @Test
    void nonFiniteNumbersOnlyWhenAskedFor() {
        JsonValue v = Json.parseAllowingNonFinite("{\"a\": NaN, \"b\": Infinity, \"c\": -Infinity}");
        assertThat(v.get("a").map(n -> ((JsonNumber) n).value())).contains(Double.NaN);
        assertThat(v.get("b").map(n -> ((JsonNumber) n).value())).contains(Double.POSITIVE_INFINITY);
        assertThat(v.get("c").map(n -> ((JsonNumber) n).value())).contains(Double.NEGATIVE_INFINITY);
        assertThat(v.render()).isEqualTo("{\"a\":NaN,\"b\":Infinity,\"c\":-Infinity}");
        assertThatThrownBy(() -> Json.parse("NaN")).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.parse("[-Infinity]")).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.parseAllowingNonFinite("Nan")).isInstanceOf(JsonException.class);
    }

    @Test
    void scalarsAtTheTopLevelAndAByteOrderMark() {
        assertThat(Json.parse("true")).isEqualTo(new JsonBoolean(true));
        assertThat(Json.parse(" null ")).isEqualTo(JsonNull.NULL);
        assertThat(Json.parse("\uFEFF{\"a\":1}").get("a")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1}}",
        "{\"a\":1} x", "{\"a\":1}{\"a\":1}", "[1 2]", "01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "--1",
        "tru", "nul", "True", "\"abc", "\"a\nb\"", "\"a\tb\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "[1]//c",
        "/* c */ 1", "[\"a\" \"b\"]", "{\"a\":}", "{1:2}"
    })
    void malformedTextIsRefused(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(JsonException.class);
    }

    @Test
    void theMessageSaysWhereAndWhy() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"))
                .hasMessage("expected ':' after the name of a member at line 3, column 7");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} tail"))
                .hasMessage("unexpected 't' after the value at line 1, column 9")
                .satisfies(e -> assertThat(((JsonException) e).offset()).isEqualTo(8));
        assertThatThrownBy(() -> Json.parse("\"\u0001\"")).hasMessageContaining("U+0001");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class).hasMessageContaining("nesting");
        String ok = "[".repeat(500) + "]".repeat(500);
        assertThat(Json.parse(ok)).isInstanceOf(JsonArray.class);
        assertThatThrownBy(() -> Json.parse("[".repeat(100_000))).isInstanceOf(JsonException.class);
    }
}
