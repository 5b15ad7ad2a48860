package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSyntaxTest {
  @ParameterizedTest
  @ValueSource(strings = {"{}", "[]", "0", "-0.5e+10", "\"s\"", "true", "null", " { \"a\" : [1, 2, {\"b\": null}] } ",
      "{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\"}"})
  void acceptsValidJson(String json) {
    assertThat(JsonSyntax.check(json)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{a:1}", "{\"a\" 1}", "[1,]", "01", "1.", "tru", "\"\\x\"", "\"a", "{} {}",
      "{\"a\":1,}", "'s'", "NaN", "\"\u0001\""})
  void rejectsInvalidJsonWithAPosition(String json) {
    assertThat(JsonSyntax.check(json)).isNotNull().contains("at offset");
  }

  @org.junit.jupiter.api.Test
  void rejectsAbsurdNesting() {
    assertThat(JsonSyntax.check("[".repeat(600) + "]".repeat(600))).contains("nesting");
  }
}
