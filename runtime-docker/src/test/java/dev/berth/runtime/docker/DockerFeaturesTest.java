package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.EventManager.BotEvent;
import dev.berth.runtime.EventManager.EventType;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.ImageManager;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.Progress;
import dev.berth.runtime.Resources;
import dev.berth.runtime.SidecarManager;
import dev.berth.runtime.StatsManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature managers against the local engine. */
@Tag("docker")
class DockerFeaturesTest {
  private static final String SCOPE = DockerTestSupport.uniqueScope("features");
  private final DockerWorkloads workloads = new DockerWorkloads(DockerTestSupport.IMAGE);
  private DockerRuntime runtime;

  @BeforeAll
  static void engine() {
    DockerTestSupport.requireEngine();
  }

  @BeforeEach
  void open() {
    runtime = DockerTestSupport.runtime(SCOPE).build();
  }

  @AfterEach
  void cleanUp() {
    runtime.list().forEach(bot -> runtime.delete(bot.id()));
    NetworkManager networks = runtime.require(NetworkManager.class);
    networks.list().forEach(network -> networks.remove(network.name()));
    runtime.close();
  }

  @AfterAll
  static void nothingLeft() {
    assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
  }

  /** A bot that serves "hello" over HTTP on 8080 with busybox httpd, until SIGTERM. */
  private BotSpec.Builder httpServer(String id) {
    return BotSpec.builder(id).image(DockerTestSupport.IMAGE).command("sh", "-c",
        "mkdir -p /tmp/www && echo hello > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www");
  }

  @Test
  void networksAreScopedAndBotsOnThemReachEachOther() {
    NetworkManager networks = runtime.require(NetworkManager.class);
    String name = SCOPE + "-net";
    NetworkManager.Network network = networks.create(name, Map.of("purpose", "test"));
    assertThat(networks.create(name, Map.of())).isEqualTo(network);
    assertThat(networks.list()).extracting(NetworkManager.Network::name).containsExactly(name);
    assertThat(network.labels()).containsEntry("purpose", "test");
    assertThat(network.driver()).isEqualTo("bridge");

    runtime.create(httpServer("server").networkMode(NetworkMode.named(name)).build());
    runtime.start("server");
    runtime.create(BotSpec.builder("client").image(DockerTestSupport.IMAGE).networkMode(NetworkMode.named(name))
        .command("sh", "-c", "until wget -q -O - http://berth-" + SCOPE + "-server:8080/; do sleep 0.2; done").build());
    runtime.start("client");
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.status("client").state() == BotState.STOPPED);
    try (Stream<LogLine> lines = runtime.logs("client")) {
      assertThat(lines.map(LogLine::text)).contains("hello");
    }
    networks.remove(name); // in use by the server: best effort, left in place and logged
    assertThat(networks.list()).hasSize(1);
  }

  @Test
  void sidecarsShareTheBotsNetworkAndGoWithIt() {
    runtime.create(httpServer("with-sidecar").build());
    runtime.start("with-sidecar");
    SidecarManager sidecars = runtime.require(SidecarManager.class);
    SidecarManager.Sidecar sidecar = sidecars.start("with-sidecar", new SidecarManager.SidecarSpec("probe",
        DockerTestSupport.IMAGE, List.of("sh", "-c", "until wget -q -O - http://127.0.0.1:8080/ | grep -q hello; "
            + "do sleep 0.2; done"), Map.of()));
    assertThat(sidecar.address()).isEqualTo(runtime.address("with-sidecar"));
    await().atMost(Duration.ofSeconds(30))
        .until(() -> sidecars.inspect("with-sidecar", "probe").state() == BotState.STOPPED);
    assertThat(sidecars.list("with-sidecar")).extracting(SidecarManager.Sidecar::name).containsExactly("probe");
    runtime.delete("with-sidecar");
    assertThat(DockerTestSupport.containerIds(Map.of(Labels.SCOPE, SCOPE))).isEmpty();
  }

  @Test
  void execStatsAndEvents() {
    List<BotEvent> events = new CopyOnWriteArrayList<>();
    EventManager.Subscription subscription = runtime.require(EventManager.class)
        .subscribe(dev.berth.runtime.BotFilter.ALL, events::add);
    try {
      runtime.create(workloads.sleepForever("observed").config("{\"x\":1}")
          .resources(Resources.builder().memory("48m").build()).build());
      runtime.start("observed");

      ExecManager.ExecResult result = runtime.require(ExecManager.class)
          .exec("observed", List.of("sh", "-c", "cat config.json; echo oops >&2; exit 4"), Duration.ofSeconds(20));
      assertThat(result.exitCode()).isEqualTo(4);
      assertThat(result.stdout()).isEqualTo("{\"x\":1}");
      assertThat(result.stderr()).isEqualTo("oops\n");

      StatsManager.BotStats stats = runtime.require(StatsManager.class).stats("observed");
      assertThat(stats.memoryLimitBytes()).hasValue(48L * 1024 * 1024);
      assertThat(stats.memoryBytes()).isPresent();
      assertThat(stats.pids()).isPresent();
      assertThat(stats.cpuCores()).as("CPU in use between the engine's two samples").isPresent();
      assertThat(stats.cpuCores().getAsDouble()).as("cores in use")
          .isBetween(0.0, (double) java.lang.Runtime.getRuntime().availableProcessors());

      runtime.stop("observed", Duration.ofSeconds(5));
      runtime.delete("observed");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events).extracting(BotEvent::type)
          .containsSubsequence(EventType.CREATED, EventType.STARTED, EventType.EXITED, EventType.STOPPED,
              EventType.DELETED));
      assertThat(events).allSatisfy(event -> assertThat(event.botId()).isEqualTo("observed"));
    } finally {
      subscription.close();
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("berth-docker-events-"));
  }

  @Test
  void imagesAreBuiltListedAndRemoved(@TempDir Path context) throws IOException {
    Files.writeString(context.resolve("Dockerfile"), "FROM " + DockerTestSupport.IMAGE + "\n"
        + "LABEL berth.scope=" + SCOPE + "\nRUN echo built > /built.txt\nCMD [\"cat\", \"/built.txt\"]\n");
    ImageManager images = runtime.require(ImageManager.class);
    String tag = "berth-test/" + SCOPE + ":1";
    List<Progress> progress = new CopyOnWriteArrayList<>();
    try {
      String id = images.build(context, tag, progress::add);
      assertThat(id).isNotBlank();
      assertThat(progress).isNotEmpty();
      assertThat(images.exists(tag)).isTrue();
      assertThat(images.list()).anySatisfy(image -> assertThat(image.tags()).contains(tag));
      runtime.create(BotSpec.builder("built").image(tag).command("cat", "/built.txt").build());
      runtime.start("built");
      await().atMost(Duration.ofSeconds(30)).until(() -> runtime.status("built").state() == BotState.STOPPED);
      try (Stream<LogLine> lines = runtime.logs("built")) {
        assertThat(lines.map(LogLine::text)).containsExactly("built");
      }
      runtime.delete("built");
    } finally {
      images.remove(tag);
    }
    assertThat(images.exists(tag)).isFalse();
    images.remove(tag); // absent: a no-op
  }
}
