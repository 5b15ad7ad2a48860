package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Docker's container state onto {@link BotStatus}. An exit code that says little on its own (127: a
 * program was not found) is explained from the container's last log lines ({@link ExitDiagnosis}); the
 * explanation is remembered per run, so a status poll reads the log once.
 */
final class StatusMapper {
  private static final String NEVER = "0001-01-01T00:00:00Z";
  private static final int REMEMBERED = 256;

  /** The last lines of a container's log, oldest first; empty when they cannot be read. */
  interface LastLines {
    List<String> of(String containerId, int lines);
  }

  private final BotFiles files;
  private final LastLines lastLines;
  private final Map<String, String> explained = Collections.synchronizedMap(new LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > REMEMBERED;
    }
  });

  StatusMapper(BotFiles files) {
    this(files, (containerId, lines) -> List.of());
  }

  StatusMapper(BotFiles files, LastLines lastLines) {
    this.files = files;
    this.lastLines = lastLines;
  }

  BotStatus map(String botId, InspectContainerResponse container) {
    InspectContainerResponse.ContainerState state = container.getState();
    String status = String.valueOf(state.getStatus());
    BotStatus.Builder builder = BotStatus.builder(botId, BotState.UNKNOWN)
        .runtimeId(container.getId())
        .restartCount(container.getRestartCount() == null ? 0 : container.getRestartCount())
        .labels(Labels.userLabels(container.getConfig().getLabels()));
    instant(state.getStartedAt()).ifPresent(builder::startedAt);
    boolean everStarted = instant(state.getStartedAt()).isPresent();
    Integer exitCode = state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue();
    switch (status) {
      case "created":
        return builder.state(BotState.CREATED).build();
      case "running":
        return builder.state(BotState.RUNNING).build();
      case "restarting":
        return builder.state(BotState.RUNNING).exitCode(exitCode == null ? 0 : exitCode)
            .message("restarting after exit code " + exitCode).build();
      case "paused":
        return builder.state(BotState.RUNNING).message("paused").build();
      case "exited":
      case "dead":
      case "removing":
        break;
      default:
        return builder.state(BotState.UNKNOWN).message("Docker reports state '" + status + "'").build();
    }
    if (!everStarted) {
      return builder.state(BotState.CREATED).build();
    }
    // Docker can stamp a workload that exits at once as finished a few ms before it stamps it as started.
    Optional<Instant> started = instant(state.getStartedAt());
    instant(state.getFinishedAt()).map(finished -> started.filter(finished::isBefore).orElse(finished))
        .ifPresent(builder::finishedAt);
    int code = exitCode == null ? -1 : exitCode;
    boolean oom = Boolean.TRUE.equals(state.getOOMKilled());
    builder.exitCode(code).oomKilled(oom);
    if (code == 0) {
      return builder.state(BotState.STOPPED).build();
    }
    if (!oom && files.stopRequested(botId, container.getId(), state.getStartedAt())) {
      return builder.state(BotState.STOPPED).message("stopped on request (exit code " + code + ")").build();
    }
    String error = state.getError() == null || state.getError().isBlank() ? "" : ": " + state.getError();
    return builder.state(BotState.FAILED)
        .message((oom ? "killed: out of memory (exit code " + code + ")" : describeExit(container, code)) + error)
        .build();
  }

  private String describeExit(InspectContainerResponse container, int code) {
    if (!ExitDiagnosis.needsLog(code)) {
      return ExitDiagnosis.describeExit(code, List.of(), "");
    }
    String image = container.getConfig().getImage() == null ? "?" : container.getConfig().getImage();
    return explained.computeIfAbsent(container.getId() + "@" + container.getState().getFinishedAt(),
        run -> ExitDiagnosis.describeExit(code, lastLines.of(container.getId(), ExitDiagnosis.LINES), image));
  }

  static Optional<Instant> instant(String text) {
    if (text == null || text.isBlank() || text.equals(NEVER)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
