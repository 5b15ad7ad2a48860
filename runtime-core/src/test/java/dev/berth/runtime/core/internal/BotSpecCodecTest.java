package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.RegistryCredentials;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BotSpecCodecTest {
  private static BotSpec.Builder full() {
    return BotSpec.builder("round-trip").image("img:1").command("sh", "-c", "echo \"$X\" = ':=#!'", "arg two")
        .env("X", "a=b\nc").config("{\"a\":[1,2],\"s\":\"line\\nbreak\"}").label("team", "quant")
        .resources(Resources.builder().memory("64m").cpuMillis(250).pids(50).build())
        .networkMode(NetworkMode.named("bots"))
        .port(PortMapping.tcp(8080)).port(new PortMapping(53, 5353, PortMapping.Protocol.UDP))
        .restartPolicy(RestartPolicy.onFailure(3))
        .mount(Mount.readOnly("/srv/data:v1", "/data")).mount(Mount.readWrite("cache", "/cache"))
        .pullPolicy(PullPolicy.ALWAYS).option("docker.user", "1000");
  }

  @Test
  void everyFieldSurvivesTextAndProperties() {
    for (CodeBundle bundle : List.of(CodeBundle.directory(Path.of("/opt/strategy")),
        CodeBundle.archive(Path.of("/opt/strategy.tar.gz")), CodeBundle.stored("bundles", "momentum/v7.zip"))) {
      BotSpec spec = full().codeBundle(bundle).entrypoint("main.py").language("python3.11").build();
      assertThat(BotSpecCodec.fromText(BotSpecCodec.toText(spec))).isEqualTo(spec);
      Properties properties = new Properties();
      BotSpecCodec.write(spec, properties);
      assertThat(BotSpecCodec.read(properties)).isEqualTo(spec);
    }
  }

  @Test
  void registryCredentialsAreNeverStored() {
    BotSpec spec = full().registryCredentials(new RegistryCredentials("ghcr.io", "bot", "s3cret")).build();
    String text = BotSpecCodec.toText(spec);
    assertThat(text).doesNotContain("s3cret").doesNotContain("ghcr.io");
    assertThat(BotSpecCodec.fromText(text).registryCredentials()).isEmpty();
  }

  @Test
  void writingReplacesWhatAnEarlierSpecLeft() {
    Properties properties = new Properties();
    properties.setProperty("state", "RUNNING");
    BotSpecCodec.write(full().build(), properties);
    BotSpec smaller = BotSpec.builder("round-trip").command("true").build();
    BotSpecCodec.write(smaller, properties);
    assertThat(BotSpecCodec.read(properties)).isEqualTo(smaller);
    assertThat(properties.getProperty("state")).isEqualTo("RUNNING");
  }
}
