package dev.berth.runtime.apple;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The log of one container, read through {@code container logs} and the wrapper's state files. The CLI
 * offers no timestamps, no stream selection and no {@code since}: those come from the {@link Wrapper}'s tags
 * and are applied here; {@code -n} is used when it selects exactly what was asked.
 */
class ContainerLogs {
  private final Containers containers;
  private final WorkloadFiles files;
  private final String id;
  private final String name;
  private final Optional<Instant> containerStart;

  ContainerLogs(Containers containers, WorkloadFiles files, String id, String name,
      Optional<Instant> containerStart) {
    this.containers = containers;
    this.files = files;
    this.id = id;
    this.name = name;
    this.containerStart = containerStart;
  }

  ContainerLogs(Containers containers, WorkloadFiles files, String id, ContainerInfo container) {
    this(containers, files, id, container.name(), container.startedAt());
  }

  String id() {
    return id;
  }

  String name() {
    return name;
  }

  /** Whether the container ever ran: before that the CLI has no log to read. */
  boolean started() {
    return files.startedAt(id, name).isPresent() || containerStart.isPresent();
  }

  /** The time of lines without a tag: the run's start, so it does not change between reads. */
  Instant fallback() {
    return files.startedAt(id, name).or(() -> containerStart).orElse(Instant.EPOCH);
  }

  /** The existing lines {@code options} select, not following. */
  List<LogLine> read(LogOptions options) {
    if (options.tail() == 0 || !started()) {
      return List.of();
    }
    boolean everything = options.streams().size() == LogStream.values().length && options.since().isEmpty();
    List<LogLine> lines = parse(raw(everything && options.tail() > 0 ? options.tail() : -1)).stream()
        .map(LogTags.Tagged::line).filter(options::accepts).collect(Collectors.toList());
    if (options.tail() > 0 && lines.size() > options.tail()) {
      return new ArrayList<>(lines.subList(lines.size() - options.tail(), lines.size()));
    }
    return lines;
  }

  /** Every line of the log, parsed. */
  List<LogTags.Tagged> readAll() {
    return started() ? parse(raw(-1)) : List.of();
  }

  private List<LogTags.Tagged> parse(String output) {
    return LogTags.parseAll(output, fallback());
  }

  private String raw(int tail) {
    List<String> args = tail > 0 ? List.of("logs", "-n", Integer.toString(tail), name) : List.of("logs", name);
    Cli.Result result = containers.cli().run(args);
    if (AppleErrors.isNotFound(result)) {
      containers.forget(id, name);
      throw containers.notFound(id);
    }
    if (!result.ok()) {
      throw AppleErrors.translate(result, "reading the log of " + containers.kind().label() + " '" + id + "'");
    }
    return result.stdout();
  }

  /** {@code container logs -f -n 1}: the last line, then what follows (a reader fills the gap in between). */
  Process follow() {
    return containers.cli().startStreaming(List.of("logs", "-f", "-n", "1", name));
  }

  /** Whether the wrapper recorded the end of the current run. */
  boolean exitRecorded() {
    return files.exit(id, name).isPresent();
  }

  /** Whether the container may still write: running or stopping; false once the CLI no longer knows it. */
  boolean active() {
    try {
      return containers.inspect(name).map(ContainerInfo::active).orElse(false);
    } catch (RuntimeException e) {
      return true; // cannot tell now: ask again later rather than end a follow early
    }
  }

  /** The run the wrapper counted last. */
  long currentRun() {
    return files.state(id, name, "runs").orElse(0);
  }

  /** How many lines the current run wrote to a stream, once its tagger has ended. */
  OptionalLong count(LogStream stream) {
    return files.state(id, name, stream == LogStream.STDOUT ? "count-O" : "count-E");
  }
}
