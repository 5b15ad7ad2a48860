package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.WAIT;
import static dev.berth.runtime.local.LocalTestSupport.awaitLogs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.core.fleet.FleetEvent;
import dev.berth.runtime.core.fleet.ReconcileReport;
import dev.berth.runtime.core.fleet.Reconciler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciler end to end on host processes: a config change recreates a bot, a killed bot comes back. */
class LocalFleetTest {
  private static final String SCRIPT = "trap 'exit 0' TERM; echo \"config=$BOT_CONFIG\"; "
      + "while :; do sleep 1000 & wait $!; done";

  @TempDir
  Path stateDir;

  private final Map<String, BotSpec> desired = new ConcurrentHashMap<>();

  private void want(String id, String config) {
    desired.put(id, LocalTestSupport.shBot(id, SCRIPT).config(config).restartPolicy(RestartPolicy.ALWAYS).build());
  }

  private Collection<BotSpec> desired() {
    return List.copyOf(desired.values());
  }

  @Test
  void aChangedConfigRecreatesTheBotAndAKilledBotIsStartedAgain() {
    LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("fleet")
        .stopGrace(Duration.ofSeconds(2)).build();
    List<FleetEvent> events = new CopyOnWriteArrayList<>();
    want("alpha", "{\"v\":1}");
    want("beta", "{\"v\":1}");
    try (Reconciler reconciler = Reconciler.builder(runtime, this::desired).interval(Duration.ofMinutes(10))
        .reactToEvents(true, Duration.ofMillis(50)).build()) {
      reconciler.subscribe(events::add);

      assertThat(reconciler.reconcileNow().created()).containsExactly("alpha", "beta");
      awaitLogs(runtime, "alpha", lines -> lines.contains("config={\"v\":1}"));
      String betaPid = runtime.status("beta").runtimeId();

      want("alpha", "{\"v\":2}");
      ReconcileReport changed = reconciler.reconcileNow();
      assertThat(changed.recreated()).containsExactly("alpha");
      assertThat(changed.actions()).isOne();
      awaitLogs(runtime, "alpha", lines -> lines.contains("config={\"v\":2}"));
      assertThat(runtime.status("alpha").state()).isEqualTo(BotState.RUNNING);
      assertThat(runtime.status("beta").runtimeId()).as("the unchanged bot kept its process").isEqualTo(betaPid);

      reconciler.start();
      long pid = Long.parseLong(betaPid.substring("pid:".length()));
      ProcessHandle.of(pid).orElseThrow().descendants().forEach(ProcessHandle::destroyForcibly);

      BotStatus back = await().atMost(WAIT).until(() -> runtime.status("beta"),
          status -> status.state() == BotState.RUNNING && !status.runtimeId().equals(betaPid));
      assertThat(back.restartCount()).as("the runtime has restart policy NEVER: the reconciler restarted it")
          .isZero();
      await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(event -> {
        assertThat(event.type()).isEqualTo(FleetEvent.Type.RESTARTED);
        assertThat(event.botId()).isEqualTo("beta");
      }));
      assertThat(events).anySatisfy(event -> {
        assertThat(event.type()).isEqualTo(FleetEvent.Type.EXITED);
        assertThat(event.botId()).isEqualTo("beta");
        assertThat(event.exitCode()).hasValue(137);
      });
    } finally {
      LocalTestSupport.cleanUp(runtime);
    }
  }
}
