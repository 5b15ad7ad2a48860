package dev.berth.runtime.apple;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The small JSON reader the CLI's output needs: objects become {@code Map<String, Object>} (keys in order),
 * arrays {@code List<Object>}, numbers {@link BigDecimal}, plus strings, booleans and {@code null}. Strict
 * RFC 8259 syntax, a nesting limit so hostile input cannot exhaust the stack, and one exception type that
 * says where the text stopped making sense. The typed getters answer {@link Optional#empty()} for a key that
 * is missing or of another type, so a reader tolerates shapes that differ between CLI releases.
 */
final class Json {
  private static final int MAX_DEPTH = 128;

  /** The text is not JSON; the message names the offset and what was expected there. */
  static final class MalformedJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedJsonException(String message) {
      super(message);
    }
  }

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses one JSON value filling the whole text (surrounding white space allowed). */
  static Object parse(String text) throws MalformedJsonException {
    if (text == null) {
      throw new MalformedJsonException("no output at all");
    }
    Json json = new Json(text);
    json.skipSpace();
    Object value = json.value(0);
    json.skipSpace();
    if (json.pos != text.length()) {
      throw json.error("end of input");
    }
    return value;
  }

  // ---- typed access, tolerant of other shapes ----

  @SuppressWarnings("unchecked")
  static Optional<Map<String, Object>> object(Object value) {
    return value instanceof Map ? Optional.of((Map<String, Object>) value) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  static Optional<List<Object>> array(Object value) {
    return value instanceof List ? Optional.of((List<Object>) value) : Optional.empty();
  }

  static Optional<Map<String, Object>> object(Map<String, Object> parent, String key) {
    return object(parent.get(key));
  }

  static List<Object> array(Map<String, Object> parent, String key) {
    return array(parent.get(key)).orElse(List.of());
  }

  static Optional<String> string(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value instanceof String ? Optional.of((String) value) : Optional.empty();
  }

  static Optional<BigDecimal> number(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value instanceof BigDecimal ? Optional.of((BigDecimal) value) : Optional.empty();
  }

  /** A map of string values; entries whose value is not a string are left out. */
  static Map<String, String> strings(Map<String, Object> parent, String key) {
    Map<String, String> result = new LinkedHashMap<>();
    object(parent, key).ifPresent(map -> map.forEach((k, v) -> {
      if (v instanceof String) {
        result.put(k, (String) v);
      }
    }));
    return result;
  }

  // ---- parser ----

  private Object value(int depth) throws MalformedJsonException {
    if (depth > MAX_DEPTH) {
      throw error("at most " + MAX_DEPTH + " levels of nesting");
    }
    if (pos >= text.length()) {
      throw error("a value");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("a value");
    }
  }

  private Map<String, Object> object(int depth) throws MalformedJsonException {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++; // {
    skipSpace();
    if (peek('}')) {
      pos++;
      return map;
    }
    while (true) {
      skipSpace();
      if (!peek('"')) {
        throw error("a string key");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      map.put(key, value(depth + 1));
      skipSpace();
      if (peek(',')) {
        pos++;
      } else if (peek('}')) {
        pos++;
        return map;
      } else {
        throw error("',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws MalformedJsonException {
    List<Object> list = new ArrayList<>();
    pos++; // [
    skipSpace();
    if (peek(']')) {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      skipSpace();
      list.add(value(depth + 1));
      skipSpace();
      if (peek(',')) {
        pos++;
      } else if (peek(']')) {
        pos++;
        return Collections.unmodifiableList(list);
      } else {
        throw error("',' or ']'");
      }
    }
  }

  private String string() throws MalformedJsonException {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("no raw control character inside a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char escape = text.charAt(pos++);
      switch (escape) {
        case '"': case '\\': case '/':
          out.append(escape);
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          out.append(unicodeEscape());
          break;
        default:
          pos--;
          throw error("a valid escape");
      }
    }
    throw error("the closing quote of a string");
  }

  private char unicodeEscape() throws MalformedJsonException {
    if (pos + 4 > text.length()) {
      throw error("four hex digits");
    }
    int code = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(pos + i), 16);
      if (digit < 0) {
        pos += i;
        throw error("four hex digits");
      }
      code = code * 16 + digit;
    }
    pos += 4;
    return (char) code;
  }

  private BigDecimal number() throws MalformedJsonException {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    if (peek('0')) {
      pos++;
    } else if (!digits()) {
      throw error("a digit");
    }
    if (peek('.')) {
      pos++;
      if (!digits()) {
        throw error("a digit after the decimal point");
      }
    }
    if (peek('e') || peek('E')) {
      pos++;
      if (peek('+') || peek('-')) {
        pos++;
      }
      if (!digits()) {
        throw error("a digit in the exponent");
      }
    }
    try {
      return new BigDecimal(text.substring(start, pos));
    } catch (NumberFormatException e) {
      pos = start;
      throw error("a number in range");
    }
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private Object literal(String word, Object value) throws MalformedJsonException {
    if (!text.startsWith(word, pos)) {
      throw error("'" + word + "'");
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) throws MalformedJsonException {
    if (!peek(c)) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private MalformedJsonException error(String expected) {
    String found = pos >= text.length() ? "the end of the output"
        : "'" + text.substring(pos, Math.min(text.length(), pos + 20)).replace("\n", "\\n") + "'";
    return new MalformedJsonException("expected " + expected + " at offset " + pos + " but found " + found);
  }
}
