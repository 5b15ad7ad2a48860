package dev.berth.runtime.testkit;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.ExecManager.ExecResult;
import dev.berth.runtime.Feature;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.ScheduleManager;
import dev.berth.runtime.StatsManager;
import dev.berth.runtime.StatsManager.BotStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The optional features of a {@link MockRuntime}: events, exec (scriptable, answers {@code echo}, {@code true}
 * and {@code false} by default), stats (zeros), networks and schedules (recorded, never fired).
 */
final class MockFeatures {
  static final Set<Class<? extends Feature>> ALL = Set.of(EventManager.class, ExecManager.class,
      StatsManager.class, NetworkManager.class, ScheduleManager.class);

  private final MockEngine engine;
  private final String scope;
  private final MockBots bots;
  private final Set<Class<? extends Feature>> enabled;
  private final List<EventManager.Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private volatile Function<List<String>, ExecResult> execHandler = MockFeatures::defaultExec;

  MockFeatures(MockEngine engine, String scope, MockBots bots, Set<Class<? extends Feature>> enabled) {
    this.engine = engine;
    this.scope = scope;
    this.bots = bots;
    this.enabled = Set.copyOf(enabled);
  }

  <F extends Feature> Optional<F> get(Class<F> type) {
    if (!enabled.contains(type)) {
      return Optional.empty();
    }
    Feature feature;
    if (type == EventManager.class) {
      feature = (EventManager) this::subscribe;
    } else if (type == ExecManager.class) {
      feature = (ExecManager) this::exec;
    } else if (type == StatsManager.class) {
      feature = (StatsManager) this::stats;
    } else if (type == NetworkManager.class) {
      feature = new Networks();
    } else {
      feature = new Schedules();
    }
    return Optional.of(type.cast(feature));
  }

  void onExec(Function<List<String>, ExecResult> handler) {
    this.execHandler = handler;
  }

  void close() {
    subscriptions.forEach(EventManager.Subscription::close);
    subscriptions.clear();
  }

  private EventManager.Subscription subscribe(BotFilter filter, java.util.function.Consumer<EventManager.BotEvent> listener) {
    engine.checkUp();
    EventManager.Subscription delivery = engine.events().subscribe(scope, filter, listener);
    EventManager.Subscription subscription = new EventManager.Subscription() {
      @Override
      public void close() {
        subscriptions.remove(this); // a closed subscription keeps nothing alive: its listener may hold a lot
        delivery.close();
      }
    };
    subscriptions.add(subscription);
    return subscription;
  }

  private ExecResult exec(String botId, List<String> command, Duration timeout) {
    engine.checkUp();
    BotState state = bots.find(botId).state();
    if (state != BotState.RUNNING) {
      throw new RuntimeOperationException("Cannot exec in bot '" + botId + "': it is " + state
          + ", not RUNNING. Start it first.");
    }
    return execHandler.apply(List.copyOf(command));
  }

  private static ExecResult defaultExec(List<String> command) {
    String program = command.isEmpty() ? "" : command.get(0);
    switch (program) {
      case "echo":
        return new ExecResult(0, String.join(" ", command.subList(1, command.size())) + "\n", "");
      case "true":
        return new ExecResult(0, "", "");
      case "false":
        return new ExecResult(1, "", "");
      default:
        return new ExecResult(127, "", "mock: " + program + ": command not found (script it with "
            + "MockRuntime.onExec)\n");
    }
  }

  private BotStats stats(String botId) {
    engine.checkUp();
    bots.find(botId);
    return new BotStats(botId, engine.clock().instant(), Duration.ZERO, OptionalLong.of(0), OptionalLong.empty(),
        OptionalLong.of(0), OptionalLong.of(0), OptionalLong.of(1));
  }

  private final class Networks implements NetworkManager {
    @Override
    public Network create(String name, Map<String, String> labels) {
      engine.checkUp();
      return engine.networks().create(scope, name, labels, engine.nextNativeId("net"));
    }

    @Override
    public void remove(String name) {
      engine.checkUp();
      engine.networks().remove(scope, name);
    }

    @Override
    public List<Network> list() {
      engine.checkUp();
      return engine.networks().list(scope);
    }
  }

  private final class Schedules implements ScheduleManager {
    @Override
    public Schedule schedule(String scheduleId, String cron, BotSpec spec) {
      engine.checkUp();
      if (cron.trim().split("\\s+").length != 5) {
        throw new InvalidSpecException("schedule", List.of("cron: '" + cron + "' does not have five fields; "
            + "use e.g. '0 6 * * 1-5'"));
      }
      Schedule schedule = new Schedule(scheduleId, cron, Optional.empty(), Optional.empty());
      engine.schedules().put(scope + "/" + scheduleId, schedule);
      return schedule;
    }

    @Override
    public void unschedule(String scheduleId) {
      engine.checkUp();
      engine.schedules().remove(scope + "/" + scheduleId);
    }

    @Override
    public List<Schedule> list() {
      engine.checkUp();
      return engine.schedules().entrySet().stream().filter(e -> e.getKey().startsWith(scope + "/"))
          .map(Map.Entry::getValue).collect(Collectors.toList());
    }
  }
}
