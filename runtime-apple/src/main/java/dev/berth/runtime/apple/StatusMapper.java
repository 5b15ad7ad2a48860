package dev.berth.runtime.apple;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps what the CLI says about a container, plus what the {@link Wrapper} and Berth recorded on the host, to a
 * {@link BotStatus}. The CLI knows only running or stopped; the exit file tells the exit code and when it
 * ended (and that the process is gone, even before the CLI has noticed); Berth's start marker tells a
 * container that never ran (CREATED) from one that did; its stop marker tells a stop on request from a crash.
 * An exit code that says little alone (126, 127: the program could not run) is explained from the last stderr
 * line, read once per run.
 */
final class StatusMapper {
  private static final int REMEMBERED = 256;
  private static final int DIAGNOSIS_LINES = 20;

  /** The last lines of a container's log. */
  interface LastLines {
    List<LogLine> of(String id, ContainerInfo container, int lines);
  }

  private final WorkloadFiles files;
  private final LastLines lastLines;
  private final Map<String, String> explained = Collections.synchronizedMap(new LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > REMEMBERED;
    }
  });

  StatusMapper(WorkloadFiles files, LastLines lastLines) {
    this.files = files;
    this.lastLines = lastLines;
  }

  BotStatus map(String id, ContainerInfo container) {
    String name = container.name();
    Optional<Instant> started = files.startedAt(id, name).or(container::startedAt);
    BotStatus.Builder builder = BotStatus.builder(id, BotState.UNKNOWN).runtimeId(name)
        .labels(Names.userLabels(container.labels()));
    started.ifPresent(builder::startedAt);
    Optional<WorkloadFiles.Exit> exit = files.exit(id, name);
    if (exit.isPresent()) {
      int code = exit.get().code();
      Instant finished = started.filter(exit.get().at()::isBefore).orElse(exit.get().at());
      builder.exitCode(code).finishedAt(finished);
      if (code == 0) {
        return builder.state(BotState.STOPPED).build();
      }
      if (files.stopRequested(id, name)) {
        return builder.state(BotState.STOPPED).message("stopped on request (exit code " + code + ")").build();
      }
      return builder.state(BotState.FAILED).message(describe(id, container, code, finished)).build();
    }
    if (container.active()) {
      return builder.state(BotState.RUNNING).build();
    }
    if (started.isEmpty()) {
      return builder.state(BotState.CREATED).build();
    }
    if (files.stopRequested(id, name)) {
      return builder.state(BotState.STOPPED).message("stopped on request (killed after the grace period)").build();
    }
    return builder.state(BotState.FAILED).message("the run ended without recording an exit code: it was "
        + "killed, its VM stopped, or the container was stopped outside Berth").build();
  }

  private String describe(String id, ContainerInfo container, int code, Instant finished) {
    if (code != 126 && code != 127) {
      return Exits.describe(code, Optional.empty());
    }
    return explained.computeIfAbsent(container.name() + "@" + finished, run -> Exits.describe(code,
        lastError(lastLines.of(id, container, DIAGNOSIS_LINES))));
  }

  private static Optional<String> lastError(List<LogLine> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).stream() == LogStream.STDERR && !lines.get(i).text().isBlank()) {
        return Optional.of(lines.get(i).text().strip());
      }
    }
    return Optional.empty();
  }

  /** The options that read the lines a diagnosis looks at. */
  static LogOptions diagnosisOptions() {
    return LogOptions.tail(DIAGNOSIS_LINES);
  }
}
