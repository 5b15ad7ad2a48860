package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.Mount;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.ExtractionLimits;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The manifests Berth generates, as YAML, compared with the reviewed files in {@code src/test/resources/golden/}.
 * A deliberate change of a manifest: run once with {@code -Dberth.golden.update=true}
 * ({@code ./mvnw -o -pl runtime-kubernetes -am -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest=ManifestGoldenTest -Dberth.golden.update=true verify}), review the diff of the files and commit it.
 */
class ManifestGoldenTest {
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  static final boolean UPDATE = Boolean.getBoolean("berth.golden.update");

  static KubernetesSettings settings() {
    return KubernetesSettings.from(RuntimeConfig.of(Map.of(
        "scope", "research",
        KubernetesSettings.SERVICE_ACCOUNT, "berth-bots",
        KubernetesSettings.IMAGE_PULL_SECRETS, "registry-login",
        KubernetesSettings.NODE_SELECTOR, "pool=bots",
        KubernetesSettings.TOLERATIONS, "dedicated=bots:NoSchedule,spot",
        KubernetesSettings.POD_LABELS, "team=quant",
        KubernetesSettings.POD_ANNOTATIONS, "prometheus.io/scrape=true")));
  }

  static CodePackager packager(KubernetesSettings settings) {
    return new CodePackager(new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.empty()), Optional.empty(),
        settings);
  }

  /** Compares with (or, when updating, writes) the golden file. */
  static void assertGolden(String file, Object model) throws IOException {
    // the stored spec holds a directory bundle's absolute path: independent of where the project is checked out
    String yaml = Yaml.dump(model).replace(Path.of("").toAbsolutePath().toString(), "$PROJECT");
    Path path = GOLDEN.resolve(file);
    if (UPDATE) {
      Files.createDirectories(path.getParent());
      Files.writeString(path, yaml, StandardCharsets.UTF_8);
    }
    assertThat(path).as("golden file %s; regenerate with -Dberth.golden.update=true after a deliberate change",
        path).exists();
    assertThat(yaml).as("%s differs from the generated manifest; regenerate with -Dberth.golden.update=true after a "
        + "deliberate change and review the diff", path).isEqualTo(Files.readString(path, StandardCharsets.UTF_8));
  }

  @Test
  void minimalBot() throws IOException {
    KubernetesSettings settings = KubernetesSettings.from(RuntimeConfig.empty());
    BotSpec spec = BotSpec.builder("ticker").image("busybox:1.36")
        .command("sh", "-c", "while true; do date; sleep 1; done").build();
    CodePackager.Packed packed = packager(settings).pack(spec);
    BotManifests manifests = new BotManifests(settings);
    String name = KubeLabels.botName(settings.scope(), spec.id());

    assertGolden("bot-minimal-deployment.yaml", manifests.deployment(spec, packed, 0));
    assertGolden("bot-minimal-configmap.yaml", manifests.configMap(spec, packed, name));
    assertGolden("bot-minimal-secret.yaml", manifests.secret(spec, packed, name, Map.of()));
  }

  @Test
  void fullBotWithCodeSecretsLimitsAndClusterSettings() throws IOException {
    // A fixed path under the module (it is in the spec), absolute so that it reads as $PROJECT/... in every checkout.
    Path code = Files.createDirectories(Path.of("target", "golden-bundle", "momentum").toAbsolutePath());
    Files.writeString(code.resolve("main.py"), "def main(id, config):\n    print(id, config)\n");
    KubernetesSettings settings = settings();
    BotSpec spec = BotSpec.builder("momentum-btc").image("python:3.11-slim")
        .codeBundle(CodeBundle.directory(code)).entrypoint("main.py").language("python3.11")
        .config("{\"symbol\":\"BTC-USD\"}").env("EXCHANGE", "coinbase").env("API_KEY", "k-123")
        .option(WorkloadOptions.SECRET_ENV, "API_KEY").option(WorkloadOptions.RUN_AS_NON_ROOT, "true")
        .option(WorkloadOptions.RUN_AS_USER, "10001")
        .resources(Resources.builder().memory("256m").cpuMillis(500).build())
        .restartPolicy(RestartPolicy.onFailure(3)).port(PortMapping.tcp(8080))
        .mount(Mount.readOnly("market-data", "/data")).label("berth.spec-hash", "9f2c").label("strategy", "momentum")
        .build();
    CodePackager.Packed packed = packager(settings).pack(spec);
    BotManifests manifests = new BotManifests(settings);
    String name = KubeLabels.botName(settings.scope(), spec.id());

    assertThat(packed.inline()).isPresent();
    assertGolden("bot-full-deployment.yaml", manifests.deployment(spec, packed, 1));
    assertGolden("bot-full-configmap.yaml", manifests.configMap(spec, packed, name));
    assertGolden("bot-full-secret.yaml", manifests.secret(spec, packed, name, Map.of()));
  }

  @Test
  void backtestJob() throws IOException {
    KubernetesSettings settings = settings();
    BacktestSpec spec = BacktestSpec.builder("bt-momentum-2024").image("python:3.11-slim")
        .command("python3", "-c", "import json; json.dump({'pnl': 1}, open('result.json', 'w'))")
        .timeout(java.time.Duration.ofMinutes(20)).resources(Resources.builder().memory("1g").cpuMillis(2000).build())
        .build();
    CodePackager.Packed packed = packager(settings).pack(spec);
    Map<String, String> metadata = Map.of("berth.deadline", "1767225600000", "berth.timeout", "PT20M",
        "berth.result-path", "result.json", "berth.keep", "false");

    assertGolden("backtest-job.yaml", new JobManifests(settings).job(spec, packed, metadata, true));
  }

  @Test
  void scheduleCronJob() throws IOException {
    KubernetesSettings settings = settings();
    BotSpec spec = BotSpec.builder("nightly-report").image("busybox:1.36").command("sh", "-c", "date")
        .label("strategy", "report").build();
    CodePackager.Packed packed = packager(settings).pack(spec);

    assertGolden("schedule-cronjob.yaml", new KubernetesScheduleManager(settings, null, packager(settings))
        .cronJob("nightly", "0 2 * * 1-5", spec, packed));
  }
}
