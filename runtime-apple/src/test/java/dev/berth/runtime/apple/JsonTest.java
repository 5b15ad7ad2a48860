package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() throws Exception {
    Object value = Json.parse(" {\"s\": \"a\\\"b\\\\c\\n\\u00e9\\/\", \"n\": -12.5e2, \"i\": 0, \"t\": true, "
        + "\"f\": false, \"z\": null, \"a\": [1, [], {}], \"o\": {\"k\": \"v\"}} ");
    Map<String, Object> map = Json.object(value).orElseThrow();
    assertThat(map.get("s")).isEqualTo("a\"b\\c\né/");
    assertThat(map.get("n")).isEqualTo(new BigDecimal("-12.5e2"));
    assertThat(map.get("i")).isEqualTo(BigDecimal.ZERO);
    assertThat(map).containsEntry("t", true).containsEntry("f", false).containsEntry("z", null);
    assertThat(Json.array(map, "a")).hasSize(3);
    assertThat(Json.strings(map, "o")).containsExactly(Map.entry("k", "v"));
    assertThat(new java.util.ArrayList<>(map.keySet())).containsExactly("s", "n", "i", "t", "f", "z", "a", "o");
  }

  @Test
  void typedGettersAnswerEmptyForAMissingKeyOrAnotherType() throws Exception {
    Map<String, Object> map = Json.object(Json.parse("{\"n\": 1, \"s\": \"x\", \"m\": {\"a\": 1, \"b\": \"c\"}}"))
        .orElseThrow();
    assertThat(Json.string(map, "n")).isEmpty();
    assertThat(Json.string(map, "missing")).isEmpty();
    assertThat(Json.number(map, "s")).isEmpty();
    assertThat(Json.object(map, "s")).isEmpty();
    assertThat(Json.array(map, "m")).isEmpty();
    assertThat(Json.strings(map, "m")).containsOnlyKeys("b");
  }

  @Test
  void malformedTextIsRejectedWithTheOffset() {
    for (String text : List.of("", "[1,", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "\"open", "tru", "01", "-", "1.",
        "{\"a\":\"\\x\"}", "[\"\u0001\"]", "[1] x", "{1:2}", "\"\\u12\"")) {
      assertThatThrownBy(() -> Json.parse(text)).as("'%s'", text).isInstanceOf(Json.MalformedJsonException.class)
          .hasMessageContaining("offset");
    }
  }

  @Test
  void deepNestingIsRejectedInsteadOfOverflowingTheStack() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(Json.MalformedJsonException.class)
        .hasMessageContaining("levels of nesting");
  }

  @Test
  void nullTextIsMalformed() {
    assertThatThrownBy(() -> Json.parse(null)).isInstanceOf(Json.MalformedJsonException.class);
  }
}
