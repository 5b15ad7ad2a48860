package dev.berth.runtime.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.RegistryCredentials;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.core.internal.BotSpecCodec;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The spec hash is stable across JVMs and releases, and changes exactly when the bot would run differently. */
class SpecHashTest {
  private static final BotSpec FULL = BotSpec.builder("momentum-btc").image("registry.example/momentum:8")
      .command("python3", "-u", "main.py").env("MODE", "live").env("A", "1").config("{\"symbol\":\"BTC\"}")
      .label("team", "quant").resources(Resources.builder().memory("256m").cpuMillis(500).pids(64).build())
      .networkMode(NetworkMode.named("bots")).port(PortMapping.tcp(8080)).restartPolicy(RestartPolicy.onFailure(3))
      .mount(Mount.readOnly("/data", "/data")).option("docker.user", "1000").build();

  @Test
  void theHashIsPinned() {
    // A change of these values recreates every bot of every fleet on upgrade: only on purpose. The hash below
    // is the SHA-256 of the canonical text, computed outside Java.
    assertThat(SpecHash.canonical(BotSpec.builder("bot-1").command("sleep", "1000").build()))
        .isEqualTo("id=bot-1\ncommand=sleep\ncommand=1000\n");
    assertThat(SpecHash.canonical(FULL)).isEqualTo("""
        id=momentum-btc
        image=registry.example/momentum:8
        command=python3
        command=-u
        command=main.py
        env.A=1
        env.MODE=live
        config={"symbol":"BTC"}
        label.team=quant
        memory=268435456
        cpu=500
        pids=64
        network=NAMED:bots
        port=8080:0/TCP
        restart=ON_FAILURE:3
        mount=/data:/data:ro
        option.docker.user=1000
        """);
    assertThat(Reconciler.specHash(BotSpec.builder("bot-1").command("sleep", "1000").build()))
        .isEqualTo("e5d90347f6705fd0");
  }

  @Test
  void theOrderInWhichMapsWereFilledDoesNotCount() {
    BotSpec other = BotSpec.builder("momentum-btc").image("registry.example/momentum:8")
        .command("python3", "-u", "main.py").env(Map.of("A", "1", "MODE", "live")).config("{\"symbol\":\"BTC\"}")
        .label("team", "quant").resources(Resources.builder().memory("256m").cpuMillis(500).pids(64).build())
        .networkMode(NetworkMode.named("bots")).port(PortMapping.tcp(8080))
        .restartPolicy(RestartPolicy.onFailure(3)).mount(Mount.readOnly("/data", "/data"))
        .option("docker.user", "1000").build();
    assertThat(Reconciler.specHash(other)).isEqualTo(Reconciler.specHash(FULL));
  }

  @Test
  void itIgnoresItsOwnLabelAndTheRegistryCredentials() {
    assertThat(hash(spec -> spec.label(BotFilter.SPEC_HASH_LABEL, "0000000000000000"))).isEqualTo(hash(s -> s));
    assertThat(hash(spec -> spec.registryCredentials(new RegistryCredentials("registry.example", "ci", "rotated"))))
        .isEqualTo(hash(s -> s));
  }

  @Test
  void everyFieldThatChangesTheBotChangesTheHash() {
    String base = hash(s -> s);
    assertThat(hash(s -> s.image("registry.example/momentum:9"))).isNotEqualTo(base);
    assertThat(hash(s -> s.command("python3", "main.py"))).isNotEqualTo(base);
    assertThat(hash(s -> s.env("MODE", "paper"))).isNotEqualTo(base);
    assertThat(hash(s -> s.config("{\"symbol\":\"ETH\"}"))).isNotEqualTo(base);
    assertThat(hash(s -> s.label("team", "risk"))).isNotEqualTo(base);
    assertThat(hash(s -> s.label(BotFilter.SEGMENT_LABEL, "2"))).isNotEqualTo(base);
    assertThat(hash(s -> s.resources(Resources.builder().memory("512m").build()))).isNotEqualTo(base);
    assertThat(hash(s -> s.restartPolicy(RestartPolicy.ALWAYS))).isNotEqualTo(base);
    assertThat(hash(s -> s.option("docker.user", "1001"))).isNotEqualTo(base);
    assertThat(hash(s -> s.codeBundle(CodeBundle.directory(Path.of("/srv/v2"))).entrypoint("main.py")))
        .isNotEqualTo(hash(s -> s.codeBundle(CodeBundle.directory(Path.of("/srv/v1"))).entrypoint("main.py")));
    assertThat(hash(s -> s.env("A", "1\nB=2"))).as("values cannot fake a line of their own")
        .isNotEqualTo(hash(s -> s.env("A", "1").env("B", "2")));
  }

  @Test
  void aSpecReadBackFromAStateFileHashesTheSame() {
    assertThat(Reconciler.specHash(BotSpecCodec.fromText(BotSpecCodec.toText(FULL))))
        .isEqualTo(Reconciler.specHash(FULL));
  }

  @Test
  void theCacheAnswersForTheSameSpecObjectAndHashesAnyOtherAgain() {
    HashCache cache = new HashCache();
    BotSpec changed = FULL.toBuilder().config("{\"symbol\":\"ETH\"}").build();

    assertThat(cache.hash(FULL)).isEqualTo(Reconciler.specHash(FULL));
    assertThat(cache.hash(FULL)).isEqualTo(Reconciler.specHash(FULL));
    assertThat(cache.hash(changed)).as("another object with the same id").isEqualTo(Reconciler.specHash(changed));
    assertThat(cache.hash(FULL.toBuilder().build())).isEqualTo(Reconciler.specHash(FULL));
    cache.retainOnly(java.util.Set.of());
    assertThat(cache.hash(changed)).isEqualTo(Reconciler.specHash(changed));
  }

  private static String hash(UnaryOperator<BotSpec.Builder> change) {
    return Reconciler.specHash(change.apply(FULL.toBuilder()).build());
  }
}
