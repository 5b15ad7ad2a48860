package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.RestartPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** A desired state a test edits between passes, as a database row would change. */
final class Fleet implements Supplier<Collection<BotSpec>> {
  private final Map<String, BotSpec> specs = new LinkedHashMap<>();

  /** {@code count} bots {@code bot-0}, {@code bot-1}, ... with restart policy ALWAYS. */
  static Fleet of(int count) {
    Fleet fleet = new Fleet();
    for (int i = 0; i < count; i++) {
      fleet.put(spec("bot-" + i));
    }
    return fleet;
  }

  static BotSpec spec(String id) {
    return BotSpec.builder(id).image("registry.example/strategy:1").command("run", "--bot", id)
        .config("{\"bot\":\"" + id + "\"}").restartPolicy(RestartPolicy.ALWAYS).build();
  }

  synchronized Fleet put(BotSpec spec) {
    specs.put(spec.id(), spec);
    return this;
  }

  synchronized Fleet remove(String id) {
    specs.remove(id);
    return this;
  }

  synchronized Fleet change(String id, UnaryOperator<BotSpec.Builder> change) {
    specs.put(id, change.apply(specs.get(id).toBuilder()).build());
    return this;
  }

  synchronized BotSpec get(String id) {
    return specs.get(id);
  }

  @Override
  public synchronized List<BotSpec> get() {
    return new ArrayList<>(specs.values());
  }
}
