package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Event;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.FileSystemObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner JVM dies by SIGKILL in the middle of a Docker call ({@link MidCallDockerOwner}). A new runtime of
 * the same scope then finds a consistent state: a create killed while its bundle downloads left no container
 * (and its staging directory is swept), a start killed anywhere left one bot whose state is the engine's; after
 * an update killed half-way there is one bot: one container answers for it in status and list, the
 * replacement an interrupted update had created is not mistaken for the bot, the next update leaves exactly
 * one container, and no staging directory of the dead JVM stays behind; an orphaned backtest is taken over.
 */
@Tag("docker")
class DockerOwnerKilledMidCallTest {
  private final String scope = DockerTestSupport.uniqueScope("midcall");
  @TempDir
  Path outputDir;
  private Process owner;

  @BeforeAll
  static void engine() {
    DockerTestSupport.requireEngine();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (owner != null) {
      owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    try (DockerRuntime runtime = DockerTestSupport.runtime(scope).stopGrace(Duration.ofSeconds(1)).build()) {
      runtime.list(BotFilter.ALL).forEach(bot -> runtime.delete(bot.id()));
    }
    DockerTestSupport.containerIds(Map.of(Labels.SCOPE, scope)).forEach(DockerTestSupport::removeContainer);
    assertThat(DockerTestSupport.leftovers(scope)).isEmpty();
  }

  @Test
  void anUpdateKilledBetweenCreatingTheReplacementAndRemovingTheOldContainerLeavesOneBot() throws Exception {
    long since = System.currentTimeMillis() / 1000 - 1;
    String old = launch("update", "UPDATING").substring("UPDATING ".length());
    awaitSigterm(old, since); // the replacement exists; the old container is being stopped
    kill();
    try (DockerRuntime runtime = DockerTestSupport.runtime(scope).stopGrace(Duration.ofSeconds(1)).build()) {
      BotStatus status = runtime.status("bot");
      assertThat(status.runtimeId()).as("the bot is still its old container").isEqualTo(old);
      assertThat(runtime.list(BotFilter.ALL)).as("one bot, listed once").extracting(BotStatus::runtimeId)
          .containsExactly(old);
      BotStatus updated = runtime.update("bot", BotUpdate.builder().env(Map.of("NEXT", "2")).build());
      assertThat(updated.runtimeId()).isNotEqualTo(old);
      assertThat(DockerTestSupport.containerIds(Map.of(Labels.SCOPE, scope, Labels.ID, "bot")))
          .as("the replacement of the killed update is gone too").containsExactly(updated.runtimeId());
      assertThat(runtime.list(BotFilter.ALL)).extracting(BotStatus::runtimeId).containsExactly(updated.runtimeId());
      assertThat(stagingDirs()).as("no staging directory left").isEmpty();
      runtime.delete("bot");
      assertThatThrownBy(() -> runtime.status("bot")).isInstanceOf(BotNotFoundException.class);
    }
  }

  @Test
  void aCreateKilledWhileItsBundleDownloadsLeavesNoContainerAndNoHalfWorkspace() throws Exception {
    Path storeDir = outputDir.resolve("store");
    new FileSystemObjectStore(storeDir).put(ObjectStore.CODE_BUCKET, "bundle.zip", bundle(), "application/zip");
    launch("create", "MID-CREATE", storeDir.toString());
    kill();
    try (DockerRuntime runtime = DockerTestSupport.runtime(scope).objectStore(new FileSystemObjectStore(storeDir))
        .build()) {
      assertThatThrownBy(() -> runtime.status("bot")).isInstanceOf(BotNotFoundException.class);
      assertThat(runtime.list(BotFilter.ALL)).isEmpty();
      assertThat(DockerTestSupport.containerIds(Map.of(Labels.SCOPE, scope))).isEmpty();
      runtime.create(BotSpec.builder("bot").image(DockerTestSupport.IMAGE).codeBundle(CodeBundle.stored("bundle.zip"))
          .command("sh", "run.sh").build());
      assertThat(stagingDirs()).as("the killed create's staging directory is swept").isEmpty();
      runtime.start("bot");
      await().atMost(Duration.ofSeconds(30)).until(() -> runtime.logs("bot", LogOptions.DEFAULT).map(LogLine::text)
          .toList().contains("whole"));
    }
  }

  @Test
  void aStartKilledAnywhereLeavesOneBotWhoseStatusAgreesWithTheEngine() throws Exception {
    String container = launch("start", "STARTING").substring("STARTING ".length());
    kill();
    try (DockerRuntime runtime = DockerTestSupport.runtime(scope).stopGrace(Duration.ofSeconds(1)).build()) {
      assertThat(runtime.status("bot").runtimeId()).isEqualTo(container);
      try (DockerConnection connection = DockerTestSupport.connection()) {
        // a start request the dead JVM sent may still be under way in the engine: poll until both have settled
        await("status agrees with the engine").atMost(Duration.ofSeconds(10)).until(() -> {
          boolean running = Boolean.TRUE.equals(connection.client().inspectContainerCmd(container).exec().getState()
              .getRunning());
          return runtime.status("bot").state() == (running ? BotState.RUNNING : BotState.CREATED);
        });
      }
      runtime.start("bot");
      assertThat(runtime.status("bot").state()).isEqualTo(BotState.RUNNING);
      assertThat(runtime.list(BotFilter.ALL)).extracting(BotStatus::runtimeId).containsExactly(container);
    }
  }

  @Test
  void aBacktestWhoseRunnerWasKilledIsTakenOverAndFinished() throws Exception {
    launch("backtest", "RUNNING");
    kill();
    try (BacktestRunner next = DockerBacktestRunner.builder().scope(scope).workDir(DockerTestSupport.workDir())
        .noObjectStore().build()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> next.status("bt").state() == BacktestState.SUCCEEDED);
      assertThat(next.status("bt").exitCode()).hasValue(0);
      await("its container is removed").atMost(Duration.ofSeconds(30))
          .until(() -> DockerTestSupport.containerIds(Map.of(Labels.SCOPE, scope)).isEmpty());
      next.delete("bt");
      assertThatThrownBy(() -> next.status("bt")).isInstanceOf(BacktestNotFoundException.class);
    }
  }

  private String launch(String action, String marker, String... more) throws IOException {
    Path output = outputDir.resolve("owner.out");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> argv = new java.util.ArrayList<>(List.of(javaBin.toString(), "-cp",
        System.getProperty("java.class.path"), MidCallDockerOwner.class.getName(), scope, action));
    argv.addAll(List.of(more));
    owner = new ProcessBuilder(argv).redirectOutput(output.toFile())
        .redirectError(outputDir.resolve("owner.err").toFile()).start();
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> Files.readAllLines(output, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(marker))
            .findFirst().orElse(null), l -> l != null);
  }

  private void kill() throws InterruptedException {
    owner.destroyForcibly();
    assertThat(owner.waitFor(30, TimeUnit.SECONDS)).as("the owner JVM died").isTrue();
  }

  /** Waits until Docker reports the SIGTERM sent to {@code containerId}; events since {@code since} replay. */
  private static void awaitSigterm(String containerId, long since) throws Exception {
    CountDownLatch signalled = new CountDownLatch(1);
    try (DockerConnection connection = DockerTestSupport.connection()) {
      QuietCallback<Event> events = connection.client().eventsCmd().withContainerFilter(containerId)
          .withEventFilter("kill").withSince(String.valueOf(since)).exec(new QuietCallback<Event>() {
            @Override
            public void onNext(Event event) {
              signalled.countDown();
            }
          });
      try {
        assertThat(signalled.await(60, TimeUnit.SECONDS)).as("the update stopped the old container").isTrue();
      } finally {
        events.close();
      }
    }
  }

  /** A zip with run.sh and enough padding that half of it is a partial download. */
  private static byte[] bundle() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("run.sh"));
      zip.write("echo whole; while :; do sleep 1; done\n".getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new java.util.zip.ZipEntry("data.bin"));
      byte[] padding = new byte[256 * 1024];
      new java.util.Random(1).nextBytes(padding);
      zip.write(padding);
    }
    return bytes.toByteArray();
  }

  private List<Path> stagingDirs() throws IOException {
    Path bots = DockerTestSupport.workDir().resolve(scope).resolve("bots");
    if (!Files.isDirectory(bots)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(bots)) {
      return entries.filter(p -> p.getFileName().toString().startsWith(".new-")).toList();
    }
  }
}
