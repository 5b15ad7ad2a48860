package dev.berth.runtime;

/**
 * A strict JSON syntax check (RFC 8259) without building a tree; the API module has no dependencies and
 * only needs to reject malformed config early, with a position, instead of letting a bot crash on start.
 */
final class JsonSyntax {
  private final String text;
  private int pos;

  private JsonSyntax(String text) {
    this.text = text;
  }

  /** Returns {@code null} when {@code text} is one valid JSON value, else what is wrong and where. */
  static String check(String text) {
    JsonSyntax parser = new JsonSyntax(text);
    try {
      parser.whitespace();
      parser.value(0);
      parser.whitespace();
      if (parser.pos != text.length()) {
        throw parser.error("unexpected text after the value");
      }
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * What the top-level value of valid JSON is: {@code object}, {@code array}, {@code string}, {@code number},
   * {@code boolean} or {@code null}.
   */
  static String topLevelKind(String text) {
    String trimmed = text.strip();
    char first = trimmed.isEmpty() ? ' ' : trimmed.charAt(0);
    switch (first) {
      case '{':
        return "object";
      case '[':
        return "array";
      case '"':
        return "string";
      case 't':
      case 'f':
        return "boolean";
      case 'n':
        return "null";
      default:
        return "number";
    }
  }

  private void value(int depth) {
    if (depth > 512) {
      throw error("nesting deeper than 512 levels");
    }
    char c = peek();
    switch (c) {
      case '{':
        object(depth);
        break;
      case '[':
        array(depth);
        break;
      case '"':
        string();
        break;
      case 't':
        literal("true");
        break;
      case 'f':
        literal("false");
        break;
      case 'n':
        literal("null");
        break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw error("unexpected character '" + c + "'");
        }
    }
  }

  private void object(int depth) {
    pos++;
    whitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      whitespace();
      if (peek() != '"') {
        throw error("expected a string key");
      }
      string();
      whitespace();
      expect(':');
      whitespace();
      value(depth + 1);
      whitespace();
      if (peek() == ',') {
        pos++;
      } else {
        expect('}');
        return;
      }
    }
  }

  private void array(int depth) {
    pos++;
    whitespace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      whitespace();
      value(depth + 1);
      whitespace();
      if (peek() == ',') {
        pos++;
      } else {
        expect(']');
        return;
      }
    }
  }

  private void string() {
    pos++;
    while (true) {
      char c = next();
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c == '\\') {
        char escaped = next();
        if (escaped == 'u') {
          for (int i = 0; i < 4; i++) {
            if (Character.digit(next(), 16) < 0) {
              throw error("bad \\u escape");
            }
          }
        } else if ("\"\\/bfnrt".indexOf(escaped) < 0) {
          throw error("bad escape '\\" + escaped + "'");
        }
      }
    }
  }

  private void number() {
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      digits();
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      digits();
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
    }
  }

  private void digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == start) {
      throw error("expected a digit");
    }
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("expected '" + word + "'");
    }
    pos += word.length();
  }

  private void expect(char c) {
    if (next() != c) {
      pos--;
      throw error("expected '" + c + "'");
    }
  }

  private void whitespace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at offset " + pos);
  }
}
