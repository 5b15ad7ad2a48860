package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.awaitLogs;
import static dev.berth.runtime.local.LocalTestSupport.shBot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close() of the runtime ends every follow it served, and leaves no thread of Berth's behind. */
class LocalCloseTest {
  private static final String CHATTY = "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo \"tick-$i\"; "
      + "sleep 0.02; done";

  @TempDir
  Path stateDir;

  @Test
  void closeEndsAnOpenFollowOfAChattyBotPromptly() throws Exception {
    Set<Thread> before = berthThreads();
    LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("close").build();
    Thread follower = null;
    try {
      runtime.create(shBot("chatty", CHATTY).build());
      runtime.start("chatty");
      awaitLogs(runtime, "chatty", texts -> texts.size() >= 3);
      AtomicInteger received = new AtomicInteger();
      follower = new Thread(() -> {
        try (Stream<LogLine> lines = runtime.logs("chatty", LogOptions.following())) {
          lines.forEach(line -> received.incrementAndGet());
        }
      }, "test-follower");
      follower.setDaemon(true);
      follower.start();
      await().atMost(LocalTestSupport.WAIT).until(() -> received.get() >= 10);

      runtime.close();

      Thread following = follower;
      await("the follow to end after close()").atMost(Duration.ofSeconds(2)).until(() -> !following.isAlive());
      await("every thread of the runtime to end").atMost(Duration.ofSeconds(5))
          .until(() -> names(berthThreads(), before), List::isEmpty);
    } finally {
      runtime.close();
      LocalRuntime cleaner = LocalRuntime.builder().stateDir(stateDir).scope("close").build();
      assertThat(cleaner.status("chatty").state()).as("close() leaves the bot running").isEqualTo(BotState.RUNNING);
      LocalTestSupport.cleanUp(cleaner);
      if (follower != null) {
        follower.join(Duration.ofSeconds(10).toMillis());
      }
    }
  }

  private static Set<Thread> berthThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith("berth-")).collect(Collectors.toSet());
  }

  private static List<String> names(Set<Thread> threads, Set<Thread> except) {
    return threads.stream().filter(thread -> !except.contains(thread)).map(Thread::getName).sorted()
        .collect(Collectors.toList());
  }
}
