package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.EventManager.EventType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code list} reuses inspections the list response vouches for, yet never hides a transition made behind the
 * runtime's back. Where a test must reach the reuse without waiting two minutes, its runtime reuses the
 * inspections of containers of any age.
 */
@Tag("docker")
class DockerListTest {
  private static final String SCOPE = DockerTestSupport.uniqueScope("list");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static DockerConnection raw;
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

  private BotStatus runningBot(String id) {
    runtime.create(BotSpec.builder(id).image(DockerTestSupport.IMAGE).command("sleep", "100000").build());
    runtime.start(id);
    return await().atMost(WAIT).until(() -> runtime.status(id), status -> status.state() == BotState.RUNNING);
  }

  private static BotStatus only(List<BotStatus> listed, String id) {
    return listed.stream().filter(status -> status.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void aContainerKilledBehindTheRuntimesBackBetweenTwoListsIsSeenOnTheSecond() {
    BotStatus bot = runningBot("victim");
    assertThat(only(runtime.list(), "victim").state()).isEqualTo(BotState.RUNNING);
    assertThat(only(runtime.list(), "victim").state()).isEqualTo(BotState.RUNNING);

    raw.client().killContainerCmd(bot.runtimeId()).exec();

    BotStatus listed = only(runtime.list(), "victim");
    assertThat(listed.state()).as(listed.toString()).isNotEqualTo(BotState.RUNNING);
    assertThat(listed.exitCode()).hasValue(137);
  }

  @Test
  void aContainerRestartedBehindTheRuntimesBackIsListedWithItsNewStart() {
    BotStatus bot = runningBot("phoenix");
    assertThat(only(runtime.list(), "phoenix").startedAt()).isEqualTo(bot.startedAt());

    raw.client().restartContainerCmd(bot.runtimeId()).withTimeout(0).exec();

    BotStatus listed = only(runtime.list(), "phoenix");
    assertThat(listed.state()).isEqualTo(BotState.RUNNING);
    assertThat(listed.startedAt().orElseThrow()).isAfter(bot.startedAt().orElseThrow());
  }

  @Test
  void aListenerThatListsOnAnExitEventSeesTheExitEvenWhenTheListVouchedForTheContainerBefore() {
    runtime.reuseListedInspectionsAfter(Duration.ZERO);
    BotStatus bot = runningBot("watched");
    runtime.list();
    List<BotStatus> seenOnExit = new CopyOnWriteArrayList<>();
    EventManager events = runtime.feature(EventManager.class).orElseThrow();
    EventManager.Subscription subscription = events.subscribe(dev.berth.runtime.BotFilter.ALL, event -> {
      if (event.type() == EventType.EXITED || event.type() == EventType.FAILED) {
        seenOnExit.add(only(runtime.list(), event.botId()));
      }
    });
    try {
      raw.client().killContainerCmd(bot.runtimeId()).exec();
      await().atMost(WAIT).until(() -> !seenOnExit.isEmpty());
    } finally {
      subscription.close();
    }
    assertThat(seenOnExit.get(0).state()).as(seenOnExit.get(0).toString()).isNotEqualTo(BotState.RUNNING);
  }
}
