package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path tmp;

  @Test
  void materializesADirectoryAndPlansAPythonLaunch() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/lib"));
    Files.writeString(src.getParent().resolve("main.py"), "print('hi')\n");
    Files.writeString(src.resolve("util.py"), "X = 1\n");
    BotSpec spec = BotSpec.builder("bot-1").codeBundle(CodeBundle.directory(src.getParent()))
        .entrypoint("main.py").config("{\"a\":1}").build();
    Path target = tmp.resolve("ws");
    try (Workspace ws = new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.empty()).materialize(spec, target)) {
      assertThat(ws.root().resolve("lib/util.py")).hasContent("X = 1");
      assertThat(ws.root().resolve("config.json")).hasContent("{\"a\":1}");
      LaunchPlan plan = Entrypoints.plan(spec, ws.root(), "/bot", InterpreterResolver.container());
      assertThat(plan.command()).containsExactly("python3", "-u", "/bot/.berth/launch.py", "/bot/main.py");
      assertThat(plan.environment()).containsEntry("BOT_ID", "bot-1").containsEntry("BOT_CONFIG", "{\"a\":1}");
      assertThat(ws.root().resolve(".berth/launch.py")).exists();
    }
    assertThat(target).doesNotExist();
  }
}
