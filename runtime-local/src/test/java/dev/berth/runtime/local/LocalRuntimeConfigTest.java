package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.Runtimes;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.core.ObjectStores;
import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRuntimeConfigTest {
  @TempDir
  Path stateDir;

  @Test
  void providerIsFoundByTypeAndHonoursTheLocalKeys() {
    RuntimeConfig config = RuntimeConfig.of(Map.of("local.state-dir", stateDir.toString(), "scope", "cfg",
        "stop-grace", "3s", "local.log-max-bytes", "64k", "local.log-files", "2", "store.type", "none"));
    try (Runtime runtime = Runtimes.create("local", config)) {
      assertThat(runtime).isInstanceOf(LocalRuntime.class);
      assertThat(runtime.type()).isEqualTo("local");
      assertThat(((LocalRuntime) runtime).scopeDirectory()).isEqualTo(stateDir.resolve("cfg"));
    }
    try (BacktestRunner runner = Runtimes.backtests("local", config)) {
      assertThat(runner.type()).isEqualTo("local");
    }
    LocalSettings settings = LocalSettings.fromConfig(config);
    assertThat(settings.stopGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.objectStore()).isEmpty();
    assertThat(settings.logMaxBytes()).isEqualTo(64 * 1024);
    assertThat(settings.logFiles()).isEqualTo(2);
    assertThat(settings.botsDir()).isEqualTo(stateDir.resolve("cfg").resolve("bots"));
  }

  @Test
  void defaultsAreTheHomeStateDirAndTheDefaultScope() {
    LocalSettings settings = LocalSettings.fromConfig(RuntimeConfig.empty());
    assertThat(settings.stateDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".berth", "local"));
    assertThat(settings.scope()).isEqualTo("default");
    assertThat(settings.stopGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.logMaxBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(settings.logFiles()).isEqualTo(3);
    assertThat(settings.objectStore()).containsInstanceOf(FileSystemObjectStore.class);
    assertThat(((FileSystemObjectStore) settings.objectStore().orElseThrow()).root())
        .isEqualTo(ObjectStores.DEFAULT_ROOT);
  }

  @Test
  void theBuilderFollowsTheSameStoreRuleAsTheConfig() {
    LocalSettings byDefault = LocalRuntime.builder().stateDir(stateDir).settings();
    assertThat(byDefault.objectStore()).containsInstanceOf(FileSystemObjectStore.class);
    assertThat(((FileSystemObjectStore) byDefault.objectStore().orElseThrow()).root())
        .isEqualTo(ObjectStores.DEFAULT_ROOT);
    assertThat(LocalRuntime.builder().stateDir(stateDir).noObjectStore().settings().objectStore()).isEmpty();
    assertThat(LocalRuntime.builder().stateDir(stateDir).stopGrace(Duration.ofSeconds(2)).settings().stopGrace())
        .isEqualTo(LocalSettings.fromConfig(RuntimeConfig.of(Map.of("stop-grace", "2s"))).stopGrace());
  }

  @Test
  void storeKeysThatNothingReadsAndTheOldStopGraceKeyAreRejected() {
    assertThatThrownBy(() -> LocalRuntime.fromConfig(RuntimeConfig.of(Map.of("local.state-dir", stateDir.toString(),
        "store.bucket", "bots", "local.stop-grace", "3s"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'store.bucket'").hasMessageContaining("'local.stop-grace'");
  }

  @Test
  void unknownLocalAndCommonKeysAreRejectedWithAHint() {
    RuntimeConfig config = RuntimeConfig.of(Map.of("local.state-dri", stateDir.toString(),
        "docker.host", "unix:///ignored.sock"));
    assertThatThrownBy(() -> LocalRuntime.fromConfig(config)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'local.state-dri'").hasMessageContaining("did you mean 'local.state-dir'")
        .hasMessageNotContaining("docker.host'");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> LocalSettings.fromConfig(RuntimeConfig.of(Map.of("local.log-files", "-1"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("local.log-files");
    assertThatThrownBy(() -> LocalSettings.fromConfig(RuntimeConfig.of(Map.of("stop-grace", "soon"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("stop-grace");
    assertThatThrownBy(() -> LocalRuntime.builder().stateDir(stateDir).scope("Not A Scope").build())
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("scope");
  }

  @Test
  void probeIsAlwaysAvailableAndThePriorityIsTheLowest() {
    LocalRuntimeProvider provider = new LocalRuntimeProvider();
    Probe probe = provider.probe(RuntimeConfig.of(Map.of("local.state-dir", stateDir.toString())));
    assertThat(probe.passed()).isTrue();
    assertThat(probe.detail()).contains(stateDir.toString());
    assertThat(provider.priority()).isZero();
    assertThat(Runtimes.available()).extracting(p -> p.type()).contains("local");
  }

  @Test
  void capabilitiesSayHonestlyWhatIsEnforcedHere() {
    try (LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("caps").build()) {
      boolean cgroupV2 = Cgroups.detect().enforced();
      assertThat(runtime.capabilities().enforcesMemoryLimit()).isEqualTo(cgroupV2);
      assertThat(runtime.capabilities().enforcesCpuLimit()).isEqualTo(cgroupV2);
      assertThat(runtime.capabilities().runsImages()).isFalse();
      assertThat(runtime.capabilities().publishesPorts()).isFalse();
      assertThat(runtime.capabilities().supports(NetworkMode.HOST)).isTrue();
      assertThat(runtime.capabilities().supports(NetworkMode.NONE)).isFalse();
      assertThat(runtime.capabilities().supports(RestartPolicy.onFailure(3))).isTrue();
      assertThat(runtime.health().healthy()).isTrue();
      assertThat(runtime.health().message()).contains(cgroupV2 ? "enforced" : "limits not enforced");
    }
  }
}
