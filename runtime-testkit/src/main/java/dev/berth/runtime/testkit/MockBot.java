package dev.berth.runtime.testkit;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * One bot on a {@link MockEngine}: its spec, its state and its log. Guarded by its own monitor. Its status is
 * built once per change, not per read, so that listing a fleet of 10,000 mock bots stays cheap.
 */
final class MockBot {
  final String scope;
  final String runtimeId;
  final MockLog log = new MockLog();
  private BotSpec spec;
  private MockBehaviour behaviour;
  private BotState state = BotState.CREATED;
  private OptionalInt exitCode = OptionalInt.empty();
  private boolean oomKilled;
  private Instant startedAt;
  private Instant finishedAt;
  private int restartCount;
  private long runs;
  private String message = "";
  private BotStatus status;

  MockBot(String scope, BotSpec spec, MockBehaviour behaviour, String runtimeId) {
    this.scope = scope;
    this.spec = spec;
    this.behaviour = behaviour;
    this.runtimeId = runtimeId;
  }

  synchronized BotSpec spec() {
    return spec;
  }

  synchronized MockBehaviour behaviour() {
    return behaviour;
  }

  /** Changes applied in place (resources, restart policy). */
  synchronized void respec(BotSpec changed) {
    status = null;
    this.spec = changed;
    this.behaviour = MockBehaviour.of(changed);
  }

  synchronized BotState state() {
    return state;
  }

  synchronized int restartCount() {
    return restartCount;
  }

  synchronized BotStatus status() {
    if (status == null) {
      status = buildStatus();
    }
    return status;
  }

  private BotStatus buildStatus() {
    BotStatus.Builder builder = BotStatus.builder(spec.id(), state).runtimeId(runtimeId)
        .oomKilled(oomKilled).startedAt(startedAt).finishedAt(finishedAt).restartCount(restartCount)
        .message(message).labels(spec.labels());
    exitCode.ifPresent(builder::exitCode);
    return builder.build();
  }

  /** How many times the bot was launched; tells a delayed exit whether its run is still the current one. */
  synchronized long runs() {
    return runs;
  }

  synchronized void running(Instant now) {
    status = null;
    runs++;
    state = BotState.RUNNING;
    startedAt = now;
    finishedAt = null;
    exitCode = OptionalInt.empty();
    oomKilled = false;
    message = "";
    log.live(true);
  }

  /** The process ended: on request (STOPPED), with 0 (STOPPED), or otherwise (FAILED). */
  synchronized void exited(int code, boolean requested, boolean oom, String why, Instant now) {
    status = null;
    state = requested || (code == 0 && !oom) ? BotState.STOPPED : BotState.FAILED;
    exitCode = OptionalInt.of(code);
    oomKilled = oom;
    finishedAt = now;
    message = why;
    log.live(false);
  }

  /** The launch failed before a process existed: FAILED without an exit code, as the local backend says it. */
  synchronized void couldNotStart(String why, Instant now) {
    status = null;
    state = BotState.FAILED;
    exitCode = OptionalInt.empty();
    oomKilled = false;
    finishedAt = now;
    message = why;
    log.live(false);
  }

  synchronized void countRestart() {
    status = null;
    restartCount++;
  }

  synchronized void note(String why) {
    status = null;
    message = why;
  }

  void append(LogStream stream, String text, Instant now) {
    log.append(new LogLine(now, stream, text));
  }

  void markRemoved() {
    log.remove();
  }
}
