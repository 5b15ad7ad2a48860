package dev.berth.runtime.testkit;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/** Assertions on log lines; start with {@link BerthAssertions#assertThat(List)}. */
public final class LogLinesAssert extends AbstractAssert<LogLinesAssert, List<LogLine>> {
  LogLinesAssert(List<LogLine> actual) {
    super(actual, LogLinesAssert.class);
  }

  private List<String> lineTexts() {
    return actual.stream().map(LogLine::text).collect(Collectors.toList());
  }

  /** Each text is a whole line of the log, in any order. */
  public LogLinesAssert containsTexts(String... texts) {
    isNotNull();
    List<String> missing = Arrays.stream(texts).filter(text -> !lineTexts().contains(text))
        .collect(Collectors.toList());
    if (!missing.isEmpty()) {
      failWithMessage("Expected the log to contain lines %s but they are missing; the log was:%n%s", missing,
          render());
    }
    return this;
  }

  /** The texts appear as lines in this order, possibly with other lines between them. */
  public LogLinesAssert containsTextsInOrder(String... texts) {
    isNotNull();
    int next = 0;
    for (String line : lineTexts()) {
      if (next < texts.length && line.equals(texts[next])) {
        next++;
      }
    }
    if (next < texts.length) {
      failWithMessage("Expected the log to contain lines %s in this order, but '%s' did not follow; the log "
          + "was:%n%s", Arrays.asList(texts), texts[next], render());
    }
    return this;
  }

  /** The log is exactly these lines, in this order. */
  public LogLinesAssert containsExactlyTexts(String... texts) {
    isNotNull();
    if (!lineTexts().equals(Arrays.asList(texts))) {
      failWithMessage("Expected the log to be exactly %s; the log was:%n%s", Arrays.asList(texts), render());
    }
    return this;
  }

  /** No line contains {@code fragment}. */
  public LogLinesAssert doesNotContainText(String fragment) {
    isNotNull();
    List<String> hits = lineTexts().stream().filter(line -> line.contains(fragment)).collect(Collectors.toList());
    if (!hits.isEmpty()) {
      failWithMessage("Expected no log line to contain \"%s\" but found %s", fragment, hits);
    }
    return this;
  }

  /** There are exactly {@code count} lines. */
  public LogLinesAssert hasLineCount(int count) {
    isNotNull();
    if (actual.size() != count) {
      failWithMessage("Expected %s log lines but there were %s:%n%s", count, actual.size(), render());
    }
    return this;
  }

  /** Continues with the lines of one stream only. */
  public LogLinesAssert onStream(LogStream stream) {
    isNotNull();
    return new LogLinesAssert(actual.stream().filter(line -> line.stream() == stream).collect(Collectors.toList()));
  }

  /** The lines' texts, for any AssertJ list assertion. */
  public ListAssert<String> texts() {
    isNotNull();
    return Assertions.assertThat(new ArrayList<>(lineTexts()));
  }

  private String render() {
    if (actual.isEmpty()) {
      return "  (no lines)";
    }
    return actual.stream().map(line -> "  " + line.stream() + " " + line.text()).collect(Collectors.joining("\n"));
  }
}
