package dev.berth.runtime.testkit;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link BotStatus}; start with {@link BerthAssertions#assertThat(BotStatus)}. */
public final class BotStatusAssert extends AbstractAssert<BotStatusAssert, BotStatus> {
  BotStatusAssert(BotStatus actual) {
    super(actual, BotStatusAssert.class);
  }

  private String describe() {
    return "bot '" + actual.id() + "' (" + actual.state()
        + actual.exitCode().stream().mapToObj(code -> ", exit code " + code).findFirst().orElse("")
        + (actual.restartCount() > 0 ? ", " + actual.restartCount() + " restarts" : "")
        + (actual.message().isEmpty() ? "" : ", message \"" + actual.message() + "\"") + ")";
  }

  /** The bot is in {@code state}. */
  public BotStatusAssert hasState(BotState state) {
    isNotNull();
    if (actual.state() != state) {
      failWithMessage("Expected %s to be %s", describe(), state);
    }
    return this;
  }

  /** The bot is CREATED (never started, or recreated and not started). */
  public BotStatusAssert isCreated() {
    return hasState(BotState.CREATED);
  }

  /** The bot is RUNNING. */
  public BotStatusAssert isRunning() {
    return hasState(BotState.RUNNING);
  }

  /** The bot is STOPPED (on request, or it exited 0). */
  public BotStatusAssert isStopped() {
    return hasState(BotState.STOPPED);
  }

  /** The bot is FAILED (exited non-zero or was killed on its own). */
  public BotStatusAssert hasFailed() {
    return hasState(BotState.FAILED);
  }

  /** Its last run exited with {@code exitCode}. */
  public BotStatusAssert hasExitCode(int exitCode) {
    isNotNull();
    if (actual.exitCode().isEmpty() || actual.exitCode().getAsInt() != exitCode) {
      failWithMessage("Expected %s to have exit code %s", describe(), exitCode);
    }
    return this;
  }

  /** It has not exited (yet). */
  public BotStatusAssert hasNoExitCode() {
    isNotNull();
    if (actual.exitCode().isPresent()) {
      failWithMessage("Expected %s to have no exit code", describe());
    }
    return this;
  }

  /** How often the runtime restarted it per its restart policy. */
  public BotStatusAssert hasRestartCount(int restartCount) {
    isNotNull();
    if (actual.restartCount() != restartCount) {
      failWithMessage("Expected %s to have been restarted %s times but it was restarted %s times", describe(),
          restartCount, actual.restartCount());
    }
    return this;
  }

  /** It carries the user label {@code key=value}. */
  public BotStatusAssert hasLabel(String key, String value) {
    isNotNull();
    if (!Objects.equals(actual.labels().get(key), value)) {
      failWithMessage("Expected %s to have label %s=%s but its labels are %s", describe(), key, value,
          actual.labels());
    }
    return this;
  }

  /** Its last run was killed for running out of memory. */
  public BotStatusAssert wasOomKilled() {
    isNotNull();
    if (!actual.oomKilled()) {
      failWithMessage("Expected %s to have been OOM-killed", describe());
    }
    return this;
  }

  /** Its status message contains {@code text}. */
  public BotStatusAssert hasMessageContaining(String text) {
    isNotNull();
    if (!actual.message().contains(text)) {
      failWithMessage("Expected the message of %s to contain \"%s\"", describe(), text);
    }
    return this;
  }
}
