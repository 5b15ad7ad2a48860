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
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
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
  private final Map<String, MockBot> table;

  MockBots(MockEngine engine, String scope, Capabilities capabilities) {
    this.engine = engine;
    this.scope = scope;
    this.capabilities = capabilities;
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
    String key = MockEngine.botKey(scope, spec.id());
    return engine.withLock(key, () -> {
      if (table.containsKey(key)) {
        throw new BotAlreadyExistsException(spec.id());
      }
      MockBot bot = new MockBot(scope, spec, behaviour, engine.nextNativeId("mock"));
      table.put(key, bot);
      publish(bot, EventType.CREATED, "");
      return bot.status();
    });
  }

  void start(String id) {
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

  void restart(String id) {
    locked(id, bot -> {
      stopLocked(bot, Runtime.DEFAULT_STOP_GRACE);
      run(bot);
      return null;
    });
  }

  void delete(String id) {
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

  BotStatus status(String id) {
    return find(id).status();
  }

  Optional<String> address(String id) {
    MockBot bot = find(id);
    if (bot.state() != BotState.RUNNING) {
      return Optional.empty();
    }
    int n = Math.abs(bot.runtimeId.hashCode());
    return Optional.of("10.88." + (n / 250 % 250) + "." + (n % 250 + 2));
  }

  Stream<LogLine> logs(String id, LogOptions options) {
    Objects.requireNonNull(options, "options");
    return find(id).log.stream(options);
  }

  BotStatus update(String id, BotUpdate update) {
    Objects.requireNonNull(update, "update");
    return locked(id, bot -> {
      if (update.isEmpty()) {
        return bot.status();
      }
      BotSpec changed = update.applyTo(bot.spec());
      checkSupported(changed);
      MockBehaviour behaviour = MockBehaviour.of(changed);
      if (!update.requiresRecreate()) {
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
    return table.values().stream().filter(bot -> bot.scope.equals(scope)).map(MockBot::status)
        .filter(filter::matches).sorted(Comparator.comparing(BotStatus::id)).collect(Collectors.toList());
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
      pause(grace);
      bot.exited(KILLED, true, false, "killed after ignoring SIGTERM for " + grace, now());
    } else {
      bot.exited(0, true, false, "stopped on request", now());
    }
    publish(bot, EventType.STOPPED, bot.status().message());
  }

  private void run(MockBot bot) {
    OptionalInt exit = launch(bot);
    if (exit.isPresent()) {
      exited(bot, exit.getAsInt(), false);
    }
  }

  /** Starts the process once: RUNNING, its output; returns its exit code if it exits right away. */
  private OptionalInt launch(MockBot bot) {
    bot.running(now());
    publish(bot, EventType.STARTED, "");
    BotSpec spec = bot.spec();
    bot.behaviour().output(spec).forEach(out -> bot.append(out.stream(), out.text(), now()));
    return bot.behaviour().exitsWith();
  }

  /** Records an exit that was not requested and applies the restart policy, like a daemon would. */
  private void exited(MockBot bot, int exitCode, boolean oomKilled) {
    int code = exitCode;
    boolean oom = oomKilled;
    for (int loops = 0; ; loops++) {
      bot.exited(code, false, oom, oom ? "OOM-killed" : "exited with code " + code, now());
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
      code = again.getAsInt();
      oom = false;
    }
  }

  private <T> T locked(String id, Function<MockBot, T> body) {
    return engine.withLock(MockEngine.botKey(scope, id), () -> body.apply(find(id)));
  }

  MockBot find(String id) {
    MockBot bot = table.get(MockEngine.botKey(scope, id));
    if (bot == null) {
      throw new BotNotFoundException(id, "No bot with id '" + id + "' exists in scope '" + scope
          + "' of the mock engine. Check the id, or create it first with create(spec).");
    }
    return bot;
  }

  private void publish(MockBot bot, EventType type, String message) {
    engine.events().publish(scope, bot.status(), type, message, now());
  }

  private Instant now() {
    return engine.clock().instant();
  }

  private static void pause(Duration grace) {
    try {
      TimeUnit.NANOSECONDS.sleep(grace.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
