package dev.berth.examples;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.RestartPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet example's desired state: a JSON file listing bots, each an {@code id} and the {@code config} object
 * the bot gets. A real service would read a database instead; a file is what a reader can edit by hand.
 *
 * <pre>
 * [
 *   {"id": "momentum-btc", "config": {"symbol": "BTC-USD", "startPrice": 64000, "intervalMs": 300}}
 * ]
 * </pre>
 *
 * <p>The reader is a small strict JSON parser, so the example needs no JSON library: it checks the whole
 * file and keeps each config's text as written.
 */
final class FleetFile {
  private final String text;
  private int pos;

  private FleetFile(String text) {
    this.text = text;
  }

  /**
   * The bots of {@code file}, each running {@code Strategy.java} from {@code bundle} with its config.
   *
   * @throws IllegalArgumentException when the file is not such a JSON array, saying where
   */
  static List<BotSpec> read(Path file, Path bundle) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the fleet file " + file, e);
    }
    List<BotSpec> bots = new ArrayList<>();
    FleetFile parser = new FleetFile(text);
    parser.expect('[');
    if (!parser.peek(']')) {
      do {
        bots.add(parser.bot(bundle));
      } while (parser.next(','));
    }
    parser.expect(']');
    parser.whitespace();
    if (parser.pos != text.length()) {
      throw parser.error("unexpected text after the array");
    }
    return bots;
  }

  private BotSpec bot(Path bundle) {
    String id = null;
    String config = "{}";
    expect('{');
    do {
      String key = string();
      expect(':');
      whitespace();
      if (key.equals("id")) {
        id = string();
      } else if (key.equals("config")) {
        int start = pos;
        if (!peek('{')) {
          throw error("\"config\" must be an object");
        }
        skipValue();
        config = text.substring(start, pos);
      } else {
        throw error("unknown key \"" + key + "\"; a bot has \"id\" and \"config\"");
      }
    } while (next(','));
    expect('}');
    if (id == null) {
      throw error("a bot has no \"id\"");
    }
    return BotSpec.builder(id).codeBundle(CodeBundle.directory(bundle)).entrypoint("Strategy.java")
        .language("java").config(config).restartPolicy(RestartPolicy.ALWAYS).build();
  }

  private void skipValue() {
    whitespace();
    char c = pos < text.length() ? text.charAt(pos) : '\0';
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      pos++;
      if (!peek(close)) {
        do {
          if (c == '{') {
            string();
            expect(':');
          }
          skipValue();
        } while (next(','));
      }
      expect(close);
    } else if (c == '"') {
      string();
    } else {
      int start = pos;
      while (pos < text.length() && "+-.0123456789eEtruefalsn".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      if (start == pos) {
        throw error("a value is missing");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder value = new StringBuilder();
    while (pos < text.length() && text.charAt(pos) != '"') {
      char c = text.charAt(pos++);
      if (c == '\\' && pos < text.length()) {
        char escaped = text.charAt(pos++);
        switch (escaped) {
          case 'n' -> value.append('\n');
          case 't' -> value.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("a \\u escape is cut short");
            }
            value.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> value.append(escaped);
        }
      } else {
        value.append(c);
      }
    }
    expect('"');
    return value.toString();
  }

  private void expect(char c) {
    if (!next(c)) {
      throw error("expected '" + c + "'");
    }
  }

  private boolean next(char c) {
    if (peek(c)) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean peek(char c) {
    whitespace();
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void whitespace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    int line = 1;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return new IllegalArgumentException("fleet.json line " + line + ": " + what);
  }
}
