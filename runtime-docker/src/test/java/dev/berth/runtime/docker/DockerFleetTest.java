package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.core.fleet.FleetEvent;
import dev.berth.runtime.core.fleet.ReconcileReport;
import dev.berth.runtime.core.fleet.Reconciler;
import dev.berth.runtime.core.fleet.Segments;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reconciler end to end on Docker: a config change recreates a container, a container killed behind the
 * runtime's back is started again, and reconcilers of disjoint segments share one scope without a fight.
 */
@Tag("docker")
class DockerFleetTest {
  private static final String SCOPE = DockerTestSupport.uniqueScope("fleet");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SCRIPT = "trap 'exit 0' TERM; echo \"config=$BOT_CONFIG\"; "
      + "while true; do sleep 1000 & wait $!; done";
  private static DockerConnection raw;
  private final Map<String, BotSpec> desired = new ConcurrentHashMap<>();
  private DockerRuntime runtime;

  @BeforeAll
  static void connect() {
    DockerTestSupport.requireEngine();
    raw = DockerTestSupport.connection();
  }

  @BeforeEach
  void open() {
    runtime = DockerTestSupport.runtime(SCOPE).build();
  }

  @AfterEach
  void cleanUp() {
    runtime.list().forEach(bot -> runtime.delete(bot.id()));
    runtime.close();
  }

  @AfterAll
  static void nothingLeft() {
    if (raw != null) {
      assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
      raw.close();
    }
  }

  private void want(String id, String config) {
    desired.put(id, BotSpec.builder(id).image(DockerTestSupport.IMAGE).command("sh", "-c", SCRIPT).config(config)
        .restartPolicy(RestartPolicy.ALWAYS).build());
  }

  private Collection<BotSpec> desired() {
    return List.copyOf(desired.values());
  }

  private List<String> logs(String id) {
    try (Stream<LogLine> lines = runtime.logs(id)) {
      return lines.map(LogLine::text).toList();
    }
  }

  @Test
  void aChangedConfigRecreatesTheContainerAndAKilledOneIsStartedAgain() {
    List<FleetEvent> events = new CopyOnWriteArrayList<>();
    want("alpha", "{\"v\":1}");
    want("beta", "{\"v\":1}");
    try (Reconciler reconciler = Reconciler.builder(runtime, this::desired).interval(Duration.ofMinutes(10))
        .reactToEvents(true, Duration.ofMillis(50)).build()) {
      reconciler.subscribe(events::add);

      assertThat(reconciler.reconcileNow().created()).containsExactly("alpha", "beta");
      String alphaContainer = runtime.status("alpha").runtimeId();
      BotStatus beta = runtime.status("beta");

      want("alpha", "{\"v\":2}");
      ReconcileReport changed = reconciler.reconcileNow();
      assertThat(changed.recreated()).containsExactly("alpha");
      assertThat(changed.actions()).isOne();
      assertThat(runtime.status("alpha").runtimeId()).as("a new container").isNotEqualTo(alphaContainer);
      await().atMost(WAIT).until(() -> logs("alpha").contains("config={\"v\":2}"));
      assertThat(runtime.status("beta").runtimeId()).isEqualTo(beta.runtimeId());

      reconciler.start();
      raw.client().killContainerCmd(beta.runtimeId()).exec();

      BotStatus back = await().atMost(WAIT).until(() -> runtime.status("beta"), status -> status.state()
          == BotState.RUNNING && status.startedAt().orElseThrow().isAfter(beta.startedAt().orElseThrow()));
      assertThat(back.runtimeId()).as("the same container, started again").isEqualTo(beta.runtimeId());
      await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(event -> {
        assertThat(event.type()).isEqualTo(FleetEvent.Type.RESTARTED);
        assertThat(event.botId()).isEqualTo("beta");
      }));
    }
  }

  @Test
  void reconcilersOfDisjointSegmentsShareTheScopeWithoutAFight() {
    for (int i = 0; i < 6; i++) {
      want("seg-" + i, "{}");
    }
    try (DockerRuntime other = DockerTestSupport.runtime(SCOPE).build();
        Reconciler first = Reconciler.builder(runtime, this::desired).segments(2, 0).build();
        Reconciler second = Reconciler.builder(other, this::desired).segments(2, 1).build()) {
      ReconcileReport a = first.reconcileNow();
      ReconcileReport b = second.reconcileNow();
      assertThat(a.created()).allMatch(id -> Segments.of(id, 2) == 0);
      assertThat(b.created()).allMatch(id -> Segments.of(id, 2) == 1);
      assertThat(a.created().size() + b.created().size()).isEqualTo(6);

      want("seg-0", "{\"v\":2}");
      desired.remove("seg-1");
      List<ReconcileReport> later = List.of(first.reconcileNow(), second.reconcileNow(), first.reconcileNow(),
          second.reconcileNow());
      assertThat(later.get(2).isIdle()).as(later.get(2).summary()).isTrue();
      assertThat(later.get(3).isIdle()).as(later.get(3).summary()).isTrue();
      assertThat(later).flatMap(ReconcileReport::deleted).containsExactly("seg-1");
      assertThat(later).flatMap(ReconcileReport::recreated).containsExactly("seg-0");
      List<BotStatus> bots = runtime.list(BotFilter.ALL);
      assertThat(bots).extracting(BotStatus::id).containsExactlyInAnyOrder("seg-0", "seg-2", "seg-3", "seg-4",
          "seg-5");
      assertThat(bots).allSatisfy(bot -> {
        assertThat(bot.state()).isEqualTo(BotState.RUNNING);
        assertThat(bot.labels()).containsEntry(BotFilter.SEGMENT_LABEL, Segments.label(bot.id(), 2));
      });
    }
  }
}
