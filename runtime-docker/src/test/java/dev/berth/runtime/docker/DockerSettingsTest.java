package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.core.internal.BotSpecCodec;
import dev.berth.runtime.RuntimeConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerSettingsTest {
  @Test
  void readsEveryKeyWithTypedValues() {
    DockerSettings settings = DockerSettings.from(RuntimeConfig.of(Map.of("scope", "research",
        "docker.host", "tcp://h:2375", "stop-grace", "3s", "docker.pull-timeout", "2m",
        "backtest.result-max-size", "1m", "backtest.log-tail-lines", "7", "docker.init", "false",
        "kubernetes.namespace", "ignored-here")));
    assertThat(settings.scope()).isEqualTo("research");
    assertThat(settings.host()).contains("tcp://h:2375");
    assertThat(settings.stopGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.pullTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.init()).isFalse();
  }

  @Test
  void rejectsAnUnknownDockerKeyWithAHint() {
    assertThatThrownBy(() -> DockerSettings.from(RuntimeConfig.of(Map.of("docker.pull-timout", "3s"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'docker.pull-timout'")
        .hasMessageContaining("did you mean 'docker.pull-timeout'");
  }

  @Test
  void theCommonKeysReplaceTheOldDockerOnesAndUnreadStoreKeysAreRejected() {
    assertThatThrownBy(() -> DockerSettings.from(RuntimeConfig.of(Map.of("docker.stop-grace", "3s",
        "docker.log-tail", "7", "store.endpont", "http://minio:9000"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'docker.stop-grace'").hasMessageContaining("'docker.log-tail'")
        .hasMessageContaining("'store.endpont' (did you mean 'store.endpoint'?)");
    assertThatThrownBy(() -> DockerRuntime.fromConfig(RuntimeConfig.of(Map.of("docker.host", "tcp://127.0.0.1:1",
        "store.type", "filesystem", "store.endpoint", "http://minio:9000"))))
        .as("a store key the chosen store type would ignore").isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'store.endpoint'");
    assertThat(DockerSettings.from(RuntimeConfig.empty()).stopGrace()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theBuildersStopGraceAndTheConfigKeyAreTheSameSetting() {
    try (DockerRuntime built = DockerRuntime.builder().host("tcp://127.0.0.1:1").stopGrace(Duration.ofSeconds(4))
        .noObjectStore().build();
         DockerRuntime configured = DockerRuntime.fromConfig(RuntimeConfig.of(Map.of("docker.host",
             "tcp://127.0.0.1:1", "stop-grace", "4s", "scope", "cfg", "store.type", "none")))) {
      assertThat(built).hasToString("DockerRuntime[scope=default, endpoint=tcp://127.0.0.1:1]");
      assertThat(configured).hasToString("DockerRuntime[scope=cfg, endpoint=tcp://127.0.0.1:1]");
    }
  }

  @Test
  void specOptionsAreValidatedAllAtOnce() {
    BotSpec spec = BotSpec.builder("b").image("x").command("true").option("docker.read-only-rootfs", "maybe")
        .option("docker.cpu-shares", "lots").option("docker.usr", "1000").option("local.nice", "5").build();
    assertThatThrownBy(() -> WorkloadOptions.of(spec)).isInstanceOfSatisfying(InvalidSpecException.class,
        e -> assertThat(e.violations()).hasSize(3).anySatisfy(v -> assertThat(v).contains("docker.usr")));
  }

  @Test
  void specOptionsParse() {
    BotSpec spec = BotSpec.builder("b").image("x").command("true").option("docker.read-only-rootfs", "true")
        .option("docker.user", "65534:65534").option("docker.cpu-shares", "512")
        .option("docker.extra-hosts", "host.docker.internal:host-gateway, db:10.0.0.5")
        .option("docker.cap-add", "net_raw").option("docker.shm-size", "64m").build();
    WorkloadOptions options = WorkloadOptions.of(spec);
    assertThat(options.readOnlyRootfs()).isTrue();
    assertThat(options.user()).contains("65534:65534");
    assertThat(options.cpuShares()).contains(512);
    assertThat(options.extraHosts()).containsExactly("host.docker.internal:host-gateway", "db:10.0.0.5");
    assertThat(options.capAdd()).containsExactly("NET_RAW");
    assertThat(options.shmSizeBytes()).contains(64L * 1024 * 1024);
  }

  @Test
  void imageReferencesSplitIntoRepositoryAndTag() {
    assertThat(ImageRef.parse("busybox")).isEqualTo(new ImageRef("busybox", "latest"));
    assertThat(ImageRef.parse("local/busybox:1")).isEqualTo(new ImageRef("local/busybox", "1"));
    assertThat(ImageRef.parse("registry:5000/team/bot")).isEqualTo(new ImageRef("registry:5000/team/bot", "latest"));
    assertThat(ImageRef.parse("ghcr.io/a/b@sha256:abc")).isEqualTo(new ImageRef("ghcr.io/a/b", "sha256:abc"));
  }

  @Test
  void specsSurviveTheSpecFile() {
    BotSpec spec = BotSpec.builder("round-trip").image("img:1").command("sh", "-c", "echo $X")
        .env("X", "1").config("{\"a\":[1,2]}").label("team", "quant")
        .resources(dev.berth.runtime.Resources.builder().memory("64m").cpuMillis(250).pids(50).build())
        .networkMode(dev.berth.runtime.NetworkMode.named("bots"))
        .port(dev.berth.runtime.PortMapping.tcp(8080)).restartPolicy(dev.berth.runtime.RestartPolicy.onFailure(3))
        .mount(dev.berth.runtime.Mount.readOnly("/data", "/data")).option("docker.user", "1000").build();
    assertThat(BotSpecCodec.fromText(BotSpecCodec.toText(spec))).isEqualTo(spec);
  }
}
