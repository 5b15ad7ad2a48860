package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.Resources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Golden argument lists of {@code container create}: any change to what Berth passes shows up here. */
class CreateArgsTest {
  private static final Path WS = Path.of("/Users/q/.berth/apple/default/bots/ticker/berth-aa-ticker/workspace");
  private static final Path STATE = Path.of("/Users/q/.berth/apple/default/bots/ticker/berth-aa-ticker/state");

  private static List<String> wrapped(String image, String... command) {
    List<String> tail = new ArrayList<>(List.of("--entrypoint", "/bin/sh", image, "-c", Wrapper.SCRIPT,
        "berth-wrapper", "/berth"));
    tail.addAll(List.of(command));
    return tail;
  }

  @Test
  void aMinimalBot() {
    CreateArgs args = new CreateArgs("berth-aa-ticker", "docker.io/library/busybox:1.36",
        Map.of("berth.id", "ticker", "berth.managed", "true"), Optional.of(Path.of("/tmp/env")), Map.of(), "/bot",
        WS, false, STATE, List.of(), Resources.UNLIMITED, NetworkMode.DEFAULT, List.of(), WorkloadOptions.NONE,
        List.of("sh", "-c", "echo hi"));
    List<String> expected = new ArrayList<>(List.of("create", "--name", "berth-aa-ticker",
        "--label", "berth.id=ticker", "--label", "berth.managed=true",
        "--env-file", "/tmp/env",
        "--workdir", "/bot",
        "--volume", WS + ":/bot:ro",
        "--volume", STATE + ":/berth"));
    expected.addAll(wrapped("docker.io/library/busybox:1.36", "sh", "-c", "echo hi"));
    assertThat(args.argv()).containsExactlyElementsOf(expected);
  }

  @Test
  void aBotUsingEverySetting() {
    CreateArgs args = new CreateArgs("berth-aa-ticker", "ghcr.io/acme/bot:2",
        Map.of("team", "quant", "berth.id", "ticker"), Optional.empty(),
        Map.of("BOT_CONFIG", "{\n  \"a\": 1\n}", "NOTE", "line\r\nbreak"), "/bot", WS, false, STATE,
        List.of(new Mount("/Users/q/data", "/data", true), new Mount("/Users/q/out", "/out", false)),
        Resources.builder().memory("64m").cpuMillis(1500).pids(100).build(), NetworkMode.named("backend"),
        List.of(PortMapping.tcp(80, 8080), new PortMapping(53, 5353, PortMapping.Protocol.UDP)),
        new WorkloadOptions(Optional.of("1000:1000"), true, List.of("NET_RAW"), List.of("ALL")),
        List.of("python3", "-u", "/bot/.berth/launch.py", "/bot/main.py"));
    List<String> expected = new ArrayList<>(List.of("create", "--name", "berth-aa-ticker",
        "--label", "berth.id=ticker", "--label", "team=quant",
        "--env", "BOT_CONFIG={\n  \"a\": 1\n}", "--env", "NOTE=line\r\nbreak",
        "--workdir", "/bot",
        "--volume", WS + ":/bot:ro",
        "--volume", STATE + ":/berth",
        "--volume", "/Users/q/data:/data:ro",
        "--volume", "/Users/q/out:/out",
        "--cpus", "2",
        "--memory", "200M",
        "--network", "backend",
        "--publish", "8080:80/tcp", "--publish", "5353:53/udp",
        "--user", "1000:1000",
        "--read-only",
        "--cap-add", "NET_RAW",
        "--cap-drop", "ALL"));
    expected.addAll(wrapped("ghcr.io/acme/bot:2", "python3", "-u", "/bot/.berth/launch.py", "/bot/main.py"));
    assertThat(args.argv()).containsExactlyElementsOf(expected);
  }

  @Test
  void aBacktestMountsItsWorkspaceWritableAndCarriesTheEngineMetadata() {
    CreateArgs args = new CreateArgs("berth-bb-bt1", "local/busybox:1",
        Map.of("berth.kind", "backtest", "berth.deadline", "1767261600000", "berth.result-path", "out/result.json"),
        Optional.of(Path.of("/tmp/env")), Map.of(), "/backtest", WS, true, STATE, List.of(),
        Resources.builder().memory("1g").cpuMillis(500).build(), NetworkMode.BRIDGE, List.of(),
        WorkloadOptions.NONE, List.of("sh", "run.sh"));
    List<String> expected = new ArrayList<>(List.of("create", "--name", "berth-bb-bt1",
        "--label", "berth.deadline=1767261600000", "--label", "berth.kind=backtest",
        "--label", "berth.result-path=out/result.json",
        "--env-file", "/tmp/env",
        "--workdir", "/backtest",
        "--volume", WS + ":/backtest",
        "--volume", STATE + ":/berth",
        "--cpus", "1",
        "--memory", "1024M"));
    expected.addAll(wrapped("local/busybox:1", "sh", "run.sh"));
    assertThat(args.argv()).containsExactlyElementsOf(expected);
  }

  @Test
  void resourcesRoundUpToWhatTheCliTakes() {
    assertThat(CreateArgs.cpus(Resources.UNLIMITED)).isEmpty();
    assertThat(CreateArgs.cpus(Resources.builder().cpuMillis(1).build())).hasValue(1L);
    assertThat(CreateArgs.cpus(Resources.builder().cpuMillis(2000).build())).hasValue(2L);
    assertThat(CreateArgs.cpus(Resources.builder().cpuMillis(2001).build())).hasValue(3L);
    assertThat(CreateArgs.memoryMib(Resources.UNLIMITED)).isEmpty();
    assertThat(CreateArgs.memoryMib(Resources.builder().memory("64m").build())).hasValue(200L);
    assertThat(CreateArgs.memoryMib(Resources.builder().memoryBytes(300L * 1024 * 1024 + 1).build())).hasValue(301L);
  }

  @Test
  void onlyValuesWithLineBreaksNeedTheCommandLine() {
    assertThat(CreateArgs.needsInline("plain value with = and # and spaces ")).isFalse();
    for (String value : List.of("a\nb", "a\rb", "a\u000Bb", "a\u000Cb", "a\u0085b", "a\u2028b", "a\u2029b")) {
      assertThat(CreateArgs.needsInline(value)).as(value).isTrue();
    }
  }
}
