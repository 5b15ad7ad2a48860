package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.StorageLayout;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The complete log of an ended backtest on this host's disk, in the stored format of {@link StorageLayout}:
 * written once from a full read of the workload's log before the workload is removed, then the source of
 * {@code logs()} for the ended backtest and of the lines a follow missed. One file per backtest in a
 * directory of this runner's own, removed on delete and on close.
 */
final class LogSpool {
  private final Path file;
  private final long lines;
  private final List<LogLine> tail;

  private LogSpool(Path file, long lines, List<LogLine> tail) {
    this.file = file;
    this.lines = lines;
    this.tail = tail;
  }

  /** Writes every line of {@code source} to {@code file}, keeping the last {@code tailLines} in memory. */
  static LogSpool write(Path file, Stream<LogLine> source, int tailLines) throws IOException {
    Files.createDirectories(file.getParent());
    Deque<LogLine> tail = new ArrayDeque<>();
    long count = 0;
    try (source; BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Iterator<LogLine> it = source.iterator(); it.hasNext(); ) {
        LogLine line = it.next();
        out.write(StorageLayout.formatLogLine(line));
        out.write('\n');
        count++;
        if (tailLines > 0) {
          tail.addLast(line);
          if (tail.size() > tailLines) {
            tail.removeFirst();
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new LogSpool(file, count, List.copyOf(tail));
  }

  /** A spool of no lines, for a backtest whose log could not be read. */
  static LogSpool empty(Path file) {
    return new LogSpool(file, 0, List.of());
  }

  Path file() {
    return file;
  }

  long lineCount() {
    return lines;
  }

  /** The last lines, at most the configured tail. */
  List<LogLine> tail() {
    return tail;
  }

  /** Every spooled line in order; the caller closes the stream. */
  Stream<LogLine> all() {
    if (lines == 0 || !Files.exists(file)) {
      return Stream.empty();
    }
    BufferedReader reader;
    try {
      reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw failed(e);
    }
    Iterator<LogLine> parsed = new Iterator<>() {
      private LogLine next;

      @Override
      public boolean hasNext() {
        try {
          for (String text; next == null && (text = reader.readLine()) != null; ) {
            next = StorageLayout.parseLogLine(text).orElse(null);
          }
          return next != null;
        } catch (IOException e) {
          throw failed(e);
        }
      }

      @Override
      public LogLine next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        LogLine line = next;
        next = null;
        return line;
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(parsed, Spliterator.ORDERED
        | Spliterator.NONNULL), false).onClose(() -> {
          try {
            reader.close();
          } catch (IOException e) {
            // a read-only file: nothing is lost
          }
        });
  }

  private RuntimeOperationException failed(IOException e) {
    return new RuntimeOperationException("Reading the spooled log " + file + " failed: " + e.getMessage(), e);
  }

  /** The lines {@code options} select (streams, since, tail); never follows. */
  Stream<LogLine> select(LogOptions options) {
    if (options.tail() < 0) {
      return all().filter(options::accepts);
    }
    Deque<LogLine> last = new ArrayDeque<>();
    try (Stream<LogLine> every = all()) {
      every.filter(options::accepts).forEach(line -> {
        last.addLast(line);
        if (last.size() > options.tail()) {
          last.removeFirst();
        }
      });
    }
    return last.stream();
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the runner's spool directory is removed on close and swept by the next runner
    }
  }
}
