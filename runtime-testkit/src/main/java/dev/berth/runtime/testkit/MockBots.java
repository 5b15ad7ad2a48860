package dev.berth.runtime.testkit;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.EventManager.EventType;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.UnsupportedFeatureException;
import dev.berth.runtime.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The bot semantics of DESIGN §2 over a {@link MockEngine}, for one scope. Every mutating call holds the
 * engine's per-id lock, so calls for one id serialise across all runtimes on the engine.
 */
final class MockBots {
  /** Immediate re-exits simulated per call before the mock stops following a crash loop. */
  static final int CRASH_LOOP_LIMIT = 5;
  /** Exit code of a workload killed with SIGKILL. */
  static final int KILLED = 137;

  private final MockEngine engine;
  private final String scope;
  private final Capabilities capabilities;
  private final Duration stopGrace;
  private final Map<String, MockBot> table;

  MockBots(MockEngine engine, String scope, Capabilities capabilities, Duration stopGrace) {
    this.engine = engine;
    this.scope = scope;
    this.capabilities = capabilities;
    this.stopGrace = stopGrace;
    this.table = engine.botTable();
  }

  /** Rejects what the runtime's capabilities do not list, as a real backend would. */
  private void checkSupported(BotSpec spec) {
    if (!capabilities.supports(spec.restartPolicy())) {
      throw new UnsupportedFeatureException("Restart policy " + spec.restartPolicy().kind() + " of bot '"
          + spec.id() + "' is not supported by this runtime (capabilities: " + capabilities.restartPolicies()
          + "); restart the bot from your own code or use a runtime that supports it.");
    }
    if (!capabilities.supports(spec.networkMode())) {
      throw new UnsupportedFeatureException("Network mode " + spec.networkMode() + " of bot '" + spec.id()
          + "' is not supported by this runtime (capabilities: " + capabilities.networkModes() + ").");
    }
  }

  BotStatus create(BotSpec spec) {
    Objects.requireNonNull(spec, "spec");
    checkSupported(spec);
    MockBehaviour behaviour = MockBehaviour.of(spec);
    MockCode.checkBundle(spec);
    String key = MockEngine.botKey(scope, spec.id());
    return engine.withLock(key, () -> {
      if (table.containsKey(key)) {
        throw new BotAlreadyExistsException(spec.id(), scope);
      }
      MockBot bot = new MockBot(scope, spec, behaviour, engine.nextNativeId("mock"));
      table.put(key, bot);
      publish(bot, EventType.CREATED, "");
      return bot.status();
    });
  }

  void start(String id) {
    WorkloadKind.BOT.requireValidId(id);
    locked(id, bot -> {
      bot.behaviour().missingProgram(bot.spec()).ifPresent(program -> {
        throw new RuntimeOperationException("Starting bot '" + id + "' failed: program '" + program
            + "' not found on PATH. Install it, give its absolute path, or set PATH in the spec's env.");
      });
      if (bot.state() != BotState.RUNNING) {
        run(bot);
      }
      return null;
    });
  }

  void stop(String id, Duration grace) {
    WorkloadKind.BOT.requireValidId(id);
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new InvalidSpecException("stop", List.of("grace: " + grace + " is negative; use Duration.ZERO to "
          + "kill at once"));
    }
    locked(id, bot -> {
      stopLocked(bot, grace);
      return null;
    });
  }

  /** The configured grace of {@code stop(id)} and {@code restart}. */
  Duration stopGrace() {
    return stopGrace;
  }

  void restart(String id) {
    WorkloadKind.BOT.requireValidId(id);
    locked(id, bot -> {
      stopLocked(bot, stopGrace);
      run(bot);
      return null;
    });
  }

  void delete(String id) {
    WorkloadKind.BOT.requireValidId(id);
    String key = MockEngine.botKey(scope, id);
    engine.withLock(key, () -> {
      MockBot bot = table.remove(key);
      if (bot != null) {
        if (bot.state() == BotState.RUNNING) {
          bot.exited(KILLED, true, false, "killed by delete", now());
        }
        bot.markRemoved();
        publish(bot, EventType.DELETED, "");
      }
      return null;
    });
  }

  /** Under the bot's lock, like every change: a status never sees a change half done (an update's recreate). */
  BotStatus status(String id) {
    WorkloadKind.BOT.requireValidId(id);
    return locked(id, MockBot::status);
  }

  Optional<String> address(String id) {
    WorkloadKind.BOT.requireValidId(id);
    MockBot bot = find(id);
    if (bot.state() != BotState.RUNNING) {
      return Optional.empty();
    }
    int n = Math.abs(bot.runtimeId.hashCode());
    return Optional.of("10.88." + (n / 250 % 250) + "." + (n % 250 + 2));
  }

  Stream<LogLine> logs(String id, LogOptions options) {
    WorkloadKind.BOT.requireValidId(id);
    Objects.requireNonNull(options, "options");
    return find(id).log.stream(options);
  }

  /**
   * Resources and restart policy change in place; image, env or config recreate the bot (the mock's rule,
   * like Docker's).
   */
  BotStatus update(String id, BotUpdate update) {
    WorkloadKind.BOT.requireValidId(id);
    Objects.requireNonNull(update, "update");
    return locked(id, bot -> {
      if (update.isEmpty()) {
        return bot.status();
      }
      BotSpec changed = update.applyTo(bot.spec());
      checkSupported(changed);
      MockBehaviour behaviour = MockBehaviour.of(changed);
      if (update.image().isEmpty() && update.env().isEmpty() && update.config().isEmpty()) {
        bot.respec(changed);
        return bot.status();
      }
      boolean wasRunning = bot.state() == BotState.RUNNING;
      if (wasRunning) {
        bot.exited(0, true, false, "stopped for recreate", now());
      }
      bot.markRemoved();
      MockBot recreated = new MockBot(scope, changed, behaviour, engine.nextNativeId("mock"));
      table.put(MockEngine.botKey(scope, id), recreated);
      publish(recreated, EventType.CREATED, "recreated by update");
      if (wasRunning) {
        run(recreated);
      }
      return recreated.status();
    });
  }

  List<BotStatus> list(BotFilter filter) {
    Objects.requireNonNull(filter, "filter");
    // Each bot is read under its lock, as status() reads it, and looked up again there: it may have been recreated.
    return table.entrySet().stream().filter(entry -> entry.getValue().scope.equals(scope))
        .map(entry -> engine.withLock(entry.getKey(), () -> Optional.ofNullable(table.get(entry.getKey()))
            .map(MockBot::status)))
        .flatMap(Optional::stream).filter(filter::matches).sorted(Comparator.comparing(BotStatus::id))
        .collect(Collectors.toList());
  }

  /** The workload exits on its own (crash, or a clean exit): restart policy applies. */
  void exitOnItsOwn(String id, int exitCode, boolean oomKilled) {
    locked(id, bot -> {
      if (bot.state() != BotState.RUNNING) {
        throw new IllegalStateException("Bot '" + id + "' is " + bot.state() + ", not RUNNING; start it before "
            + "simulating an exit");
      }
      exited(bot, exitCode, oomKilled);
      return null;
    });
  }

  void append(String id, LogStream stream, List<String> lines) {
    MockBot bot = find(id);
    lines.forEach(text -> bot.append(stream, text, now()));
  }

  private void stopLocked(MockBot bot, Duration grace) {
    if (bot.state() != BotState.RUNNING) {
      return;
    }
    if (bot.behaviour().ignoresSigterm()) {
      engine.time().pass(grace);
      bot.exited(KILLED, true, false, "killed after ignoring SIGTERM for " + grace, now());
    } else {
      if (bot.behaviour().announcesSigterm() && grace.compareTo(Duration.ZERO) > 0) {
        bot.append(LogStream.STDOUT, "term", now()); // a grace of zero kills at once, before the program can write
      }
      bot.exited(0, true, false, "stopped on request", now());
    }
    publish(bot, EventType.STOPPED, bot.status().message());
  }

  /**
   * Launches the bot; a program that is not on the PATH fails the launch (and the call) the way the local
   * backend fails it, leaving the bot FAILED without an exit code.
   */
  private void run(MockBot bot) {
    Optional<MockCode.ProgramProblem> problem = MockCode.program(bot.spec());
    if (problem.isPresent() && problem.get().launchFails()) {
      bot.couldNotStart("could not start: " + problem.get().message(), now());
      publish(bot, EventType.FAILED, bot.status().message());
      throw new RuntimeOperationException(problem.get().message());
    }
    OptionalInt exit = launch(bot);
    if (exit.isPresent()) {
      exited(bot, overMemoryLimit(bot) ? KILLED : exit.getAsInt(), overMemoryLimit(bot));
    }
  }

  /** Whether the kernel of a real backend would OOM-kill the bot: it exceeds a limit the runtime enforces. */
  private boolean overMemoryLimit(MockBot bot) {
    return bot.behaviour().exceedsMemory() && capabilities.enforcesMemoryLimit()
        && bot.spec().resources().memoryBytes() > 0;
  }

  /**
   * Starts the process once: RUNNING, its output; returns its exit code if it exits right away. A workload
   * with a run time exits once that has passed on the engine's clock.
   */
  private OptionalInt launch(MockBot bot) {
    bot.running(now());
    publish(bot, EventType.STARTED, "");
    BotSpec spec = bot.spec();
    MockBehaviour behaviour = bot.behaviour();
    if (MockCode.program(spec).isPresent()) {
      return OptionalInt.of(MockCode.NOT_FOUND); // the exec failed: no output, exit 127
    }
    behaviour.output(spec).forEach(out -> bot.append(out.stream(), out.text(), now()));
    OptionalInt exit = behaviour.exitsWith();
    if (exit.isEmpty() || behaviour.duration().isZero()) {
      return exit;
    }
    long run = bot.runs();
    engine.time().schedule(behaviour.duration(), () -> exitLater(bot, run, exit.getAsInt()));
    return OptionalInt.empty();
  }

  /** The delayed exit of one run; nothing happens when the bot was stopped, restarted or replaced meanwhile. */
  private void exitLater(MockBot bot, long run, int exitCode) {
    String key = MockEngine.botKey(scope, bot.spec().id());
    engine.withLock(key, () -> {
      if (table.get(key) == bot && bot.runs() == run && bot.state() == BotState.RUNNING) {
        exited(bot, exitCode, false);
      }
      return null;
    });
  }

  /** Records an exit that was not requested and applies the restart policy, like a daemon would. */
  private void exited(MockBot bot, int exitCode, boolean oomKilled) {
    int code = exitCode;
    boolean oom = oomKilled;
    for (int loops = 0; ; loops++) {
      bot.exited(code, false, oom, oom ? "OOM-killed" : "exited with code " + code + notFound(bot, code), now());
      publish(bot, oom ? EventType.OOM_KILLED : code == 0 ? EventType.EXITED : EventType.FAILED, "");
      if (!bot.spec().restartPolicy().shouldRestart(code, bot.restartCount())) {
        return;
      }
      if (loops >= CRASH_LOOP_LIMIT) {
        bot.note("crash loop: the mock stopped simulating restarts after " + CRASH_LOOP_LIMIT
            + " immediate exits");
        return;
      }
      bot.countRestart();
      publish(bot, EventType.RESTARTED, "");
      OptionalInt again = launch(bot);
      if (again.isEmpty()) {
        return;
      }
      oom = overMemoryLimit(bot);
      code = oom ? KILLED : again.getAsInt();
    }
  }

  private static String notFound(MockBot bot, int code) {
    return code != MockCode.NOT_FOUND ? ""
        : MockCode.program(bot.spec()).map(problem -> " (" + problem.message() + ")").orElse("");
  }

  private <T> T locked(String id, Function<MockBot, T> body) {
    return engine.withLock(MockEngine.botKey(scope, id), () -> body.apply(find(id)));
  }

  MockBot find(String id) {
    MockBot bot = table.get(MockEngine.botKey(scope, id));
    if (bot == null) {
      throw new BotNotFoundException(id, scope);
    }
    return bot;
  }

  private void publish(MockBot bot, EventType type, String message) {
    engine.events().publish(scope, bot.status(), type, message, now());
  }

  private Instant now() {
    return engine.clock().instant();
  }
}
