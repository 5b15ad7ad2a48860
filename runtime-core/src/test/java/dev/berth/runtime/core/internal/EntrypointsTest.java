package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EntrypointsTest {
  @TempDir Path workspace;

  static Stream<Arguments> plans() {
    return Stream.of(
        Arguments.of("main.py", null, List.of(), List.of("python3", "-u", "/bot/.berth/launch.py", "/bot/main.py")),
        Arguments.of("src/bot.py", "python3.11", List.of("--fast"),
            List.of("python3", "-u", "/bot/.berth/launch.py", "/bot/src/bot.py", "--fast")),
        Arguments.of("index.js", null, List.of(), List.of("node", "/bot/.berth/launch.cjs", "/bot/index.js")),
        Arguments.of("bot.mjs", null, List.of(), List.of("node", "/bot/.berth/launch.cjs", "/bot/bot.mjs")),
        Arguments.of("bot.cjs", "nodejs20", List.of("a"), List.of("node", "/bot/.berth/launch.cjs", "/bot/bot.cjs",
            "a")),
        Arguments.of("Main.java", null, List.of("x"), List.of("java", "/bot/Main.java", "x")),
        Arguments.of("bot.jar", "java", List.of(), List.of("java", "-jar", "/bot/bot.jar")),
        Arguments.of("run.sh", null, List.of("--once"), List.of("/bot/run.sh", "--once")),
        Arguments.of("strategy", "command", List.of(), List.of("/bot/strategy")),
        Arguments.of("script.txt", "python3", List.of(), List.of("python3", "-u", "/bot/.berth/launch.py",
            "/bot/script.txt")));
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("plans")
  void plansTheLauncherForTheLanguage(String entrypoint, String language, List<String> args, List<String> command)
      throws IOException {
    Files.createDirectories(workspace.resolve(entrypoint).getParent());
    Files.writeString(workspace.resolve(entrypoint), "");
    BotSpec spec = BotSpec.builder("bot-1").codeBundle(CodeBundle.directory(workspace)).entrypoint(entrypoint)
        .language(language).command(args).build();

    LaunchPlan plan = Entrypoints.plan(spec, workspace, "/bot", InterpreterResolver.container());

    assertThat(plan.command()).isEqualTo(command);
    assertThat(plan.workingDirectory()).isEqualTo("/bot");
    assertThat(plan.environment()).containsEntry("BOT_ID", "bot-1").containsEntry("BOT_CONFIG", "{}")
        .doesNotContainKey(Entrypoints.RESULT_PATH_ENV);
    if (command.get(0).equals("python3")) {
      assertThat(workspace.resolve(".berth/launch.py")).isNotEmptyFile();
      assertThat(plan.environment()).containsEntry("PYTHONUNBUFFERED", "1");
    }
    if (command.get(0).equals("node")) {
      assertThat(workspace.resolve(".berth/launch.cjs")).isNotEmptyFile();
    }
  }

  @Test
  void aCommandWithoutEntrypointRunsAsGiven() {
    BotSpec spec = BotSpec.builder("bot-1").command("sh", "-c", "echo $BOT_ID").env("A", "b").config("{\"x\":1}")
        .build();

    LaunchPlan plan = Entrypoints.plan(spec, workspace, "/srv/w", InterpreterResolver.container());

    assertThat(plan.command()).containsExactly("sh", "-c", "echo $BOT_ID");
    assertThat(plan.environment()).containsExactly(java.util.Map.entry("A", "b"),
        java.util.Map.entry("BOT_CONFIG", "{\"x\":1}"), java.util.Map.entry("BOT_ID", "bot-1"));
    assertThat(workspace.resolve(".berth")).doesNotExist();
  }

  @Test
  void containersMountBotsAndBacktestsInTheirOwnDirectories() {
    assertThat(Entrypoints.containerWorkdir(BotSpec.builder("b").command("x").build())).isEqualTo("/bot");
    assertThat(Entrypoints.containerWorkdir(BacktestSpec.builder("b").command("x").build())).isEqualTo("/backtest");
  }

  @Test
  void aBacktestLearnsWhereToWriteItsResult() {
    BacktestSpec spec = BacktestSpec.builder("bt-1").command("true").resultPath("out/result.json").build();

    LaunchPlan plan = Entrypoints.plan(spec, workspace, "/backtest/", InterpreterResolver.container());

    assertThat(plan.environment()).containsEntry(Entrypoints.RESULT_PATH_ENV, "/backtest/out/result.json");
  }

  @Test
  void hugeConfigIsDeliveredAsAFileOnly() {
    String config = "{\"blob\":\"" + "x".repeat(Entrypoints.MAX_CONFIG_ENV_BYTES) + "\"}";
    WorkloadSpec spec = BotSpec.builder("bot-1").command("true").config(config).build();

    LaunchPlan plan = Entrypoints.plan(spec, workspace, "/bot", InterpreterResolver.container());

    assertThat(plan.environment()).containsKey("BOT_ID").doesNotContainKey("BOT_CONFIG");
  }

  @Test
  void aBundleEntryNamedLikeTheLauncherDirectoryCannotRedirectIt() throws IOException {
    Path outside = Files.createDirectories(workspace.resolve("outside"));
    Path ws = Files.createDirectories(workspace.resolve("ws"));
    Files.createSymbolicLink(ws.resolve(".berth"), outside);
    Files.writeString(ws.resolve("main.py"), "");
    BotSpec spec = BotSpec.builder("bot-1").codeBundle(CodeBundle.directory(ws)).entrypoint("main.py").build();

    Entrypoints.plan(spec, ws, ws.toString(), InterpreterResolver.container());

    assertThat(outside).isEmptyDirectory();
    assertThat(Files.isSymbolicLink(ws.resolve(".berth"))).isFalse();
    assertThat(ws.resolve(".berth/launch.py")).isNotEmptyFile();
  }

  @Test
  void containerInterpretersArePlainNames() {
    InterpreterResolver container = InterpreterResolver.container();

    assertThat(container.resolve("python3.12")).containsExactly("python3");
    assertThat(container.resolve("node")).containsExactly("node");
    assertThat(container.resolve("nodejs22")).containsExactly("node");
    assertThat(container.resolve("java")).containsExactly("java");
    assertThat(container.resolve("command")).isEmpty();
    assertThatThrownBy(() -> container.resolve("ruby")).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("'ruby' is not supported");
  }

  @Test
  void hostInterpretersComeFromThePathAndTheRunningJvm() {
    InterpreterResolver host = InterpreterResolver.host();

    assertThat(host.resolve("java")).singleElement().asString()
        .startsWith(System.getProperty("java.home"));
    assertThat(host.resolve("command")).isEmpty();
    HostInterpreters.onPath("python3").ifPresent(python3 -> {
      assertThat(host.resolve("python3")).containsExactly(python3.toString());
      // an absent minor version falls back to python3
      assertThat(host.resolve("python3.99")).containsExactly(python3.toString());
    });
    HostInterpreters.onPath("node").ifPresent(node ->
        assertThat(host.resolve("nodejs20")).containsExactly(node.toString()));
  }
}
