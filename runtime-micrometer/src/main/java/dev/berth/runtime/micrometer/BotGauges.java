package dev.berth.runtime.micrometer;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.Runtime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One gauge per bot state, read from one {@code list()} of the runtime at most every refresh interval however
 * often the registry is scraped: a scrape must not cost one engine call per gauge, nor one per scrape of a
 * busy Prometheus.
 */
final class BotGauges {
  private final Runtime runtime;
  private final Clock clock;
  private final Duration refresh;
  private final Counter listFailures;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<BotState, Integer> counts = new EnumMap<>(BotState.class);
  private Instant readAt;

  BotGauges(Runtime runtime, MeterRegistry registry, Tags tags, Clock clock, Duration refresh) {
    this.runtime = runtime;
    this.clock = clock;
    this.refresh = refresh;
    for (BotState state : BotState.values()) {
      meters.add(Gauge.builder(BerthMetrics.BOTS, this, gauges -> gauges.count(state))
          .description("Managed bots of the scope, by state, read from the runtime's list at most every "
              + refresh.toSeconds() + " s")
          .tags(tags).tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
    }
    this.listFailures = Counter.builder(BerthMetrics.BOTS_READ_FAILURES)
        .description("Failed reads of the bot list for the bot gauges; the gauges keep the last counts")
        .tags(tags).register(registry);
    meters.add(listFailures);
  }

  synchronized double count(BotState state) {
    Instant now = clock.instant();
    if (readAt == null || Duration.between(readAt, now).compareTo(refresh) >= 0) {
      readAt = now;
      try {
        List<BotStatus> bots = runtime.list();
        counts.clear();
        for (BotStatus bot : bots) {
          counts.merge(bot.state(), 1, Integer::sum);
        }
      } catch (RuntimeException e) {
        listFailures.increment();
      }
    }
    return counts.getOrDefault(state, 0);
  }

  void remove(MeterRegistry registry) {
    meters.forEach(registry::remove);
  }
}
