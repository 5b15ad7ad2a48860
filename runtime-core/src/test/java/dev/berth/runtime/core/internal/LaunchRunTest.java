package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs real python3, node and java programs through the launchers. */
class LaunchRunTest {
  /** Config that would do damage if it were ever interpolated into a shell string. */
  static final String NASTY_CONFIG =
      "{\"cmd\":\"$(rm -rf /)\",\"quote\":\"it's \\\"quoted\\\"\",\"lines\":\"a\\nb\",\"tick\":\"`id`\"}";

  @TempDir Path tmp;

  static Stream<Arguments> programs() {
    return Stream.of(
        // language, entrypoint, source, expected stdout fragments
        Arguments.of("python3", "bot.py", String.join("\n",
            "print('loaded')",
            "def main(bot_id, config):",
            "    print('main', bot_id, config['cmd'], config['lines'].split('\\n'))",
            "if __name__ == '__main__':",
            "    print('guard fired')",
            ""), new String[] {"loaded\nmain bot-1 $(rm -rf /) ['a', 'b']\n"}),
        Arguments.of("python3", "script.py", String.join("\n",
            "import json, os, sys",
            "from helper import VALUE",
            "print('loaded', __name__, VALUE, sys.argv[1:])",
            "def main():",
            "    print('config', json.load(open('config.json'))['cmd'], os.environ['BOT_CONFIG'] == open('config.json').read())",
            "if __name__ == '__main__':",
            "    main()",
            ""), new String[] {"loaded __main__ 42 ['--flag', '$(touch pwned)']\nconfig $(rm -rf /) True\n"}),
        Arguments.of("python3.11", "async_bot.py", String.join("\n",
            "import asyncio",
            "async def main(bot_id, config, *rest):",
            "    await asyncio.sleep(0)",
            "    print('async', bot_id, config['quote'])",
            ""), new String[] {"async bot-1 it's \"quoted\"\n"}),
        Arguments.of("nodejs20", "bot.js", String.join("\n",
            "console.log('loaded');",
            "exports.main = (id, config) => console.log('main', id, config.cmd, JSON.stringify(config.lines));",
            "if (require.main === module) console.log('guard fired');",
            ""), new String[] {"loaded\nmain bot-1 $(rm -rf /) \"a\\nb\"\n"}),
        Arguments.of("nodejs", "esm.mjs", String.join("\n",
            "export async function main(id, config) {",
            "  await null;",
            "  console.log('esm', id, config.tick);",
            "}",
            ""), new String[] {"esm bot-1 `id`\n"}),
        Arguments.of("nodejs", "script.js", String.join("\n",
            "const fs = require('fs');",
            "const { VALUE } = require('./helper.js');",
            "function main() {",
            "  const file = fs.readFileSync('config.json', 'utf8');",
            "  console.log('script', VALUE, process.argv.slice(2).join('|'), file === process.env.BOT_CONFIG);",
            "}",
            "if (require.main === module) main();",
            ""), new String[] {"script 42 --flag|$(touch pwned) true\n"}),
        Arguments.of("nodejs", "script.mjs", String.join("\n",
            "import { pathToFileURL } from 'url';",
            "const value = await Promise.resolve(42);",
            "if (import.meta.url === pathToFileURL(process.argv[1]).href) {",
            "  console.log('esm script', value, process.argv.slice(2).join('|'));",
            "}",
            ""), new String[] {"esm script 42 --flag|$(touch pwned)\n"}),
        Arguments.of("java", "Main.java", String.join("\n",
            "import java.nio.file.*;",
            "public class Main {",
            "  public static void main(String[] args) throws Exception {",
            "    String file = Files.readString(Path.of(\"config.json\"));",
            "    System.out.println(\"java \" + System.getenv(\"BOT_ID\") + \" \" + String.join(\"|\", args) + \" \"",
            "        + file.equals(System.getenv(\"BOT_CONFIG\")) + \" \" + file.contains(\"$(rm -rf /)\"));",
            "  }",
            "}",
            ""), new String[] {"java bot-1 --flag|$(touch pwned) true true\n"}),
        Arguments.of("command", "run.sh", String.join("\n",
            "#!/bin/sh",
            "printf 'sh %s %s\\n' \"$BOT_ID\" \"$*\"",
            "cat config.json",
            ""), new String[] {"sh bot-1 --flag $(touch pwned)\n" + NASTY_CONFIG}));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("programs")
  void runsTheProgramWithConfigAsData(String language, String entrypoint, String source, String[] expected)
      throws Exception {
    assumeInterpreter(language);
    Path bundle = bundle(entrypoint, source);
    boolean script = !source.contains("main(") || source.contains("def main():") || source.contains("function main()");
    BotSpec.Builder builder = BotSpec.builder("bot-1").codeBundle(CodeBundle.directory(bundle))
        .entrypoint(entrypoint).language(language).config(NASTY_CONFIG);
    if (script || language.equals("java") || language.equals("command")) {
      builder.command("--flag", "$(touch pwned)");
    }

    Processes.Result result = launch(builder.build());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEqualTo(expected[0]);
    try (Stream<Path> files = Files.walk(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("pwned"))).isEmpty();
    }
  }

  static Stream<Arguments> backtests() {
    return Stream.of(
        Arguments.of("python3", "bt.py", "def main(bot_id, config):\n    return {'id': bot_id, 'pnl': 1.5}\n",
            "{\"id\": \"bt-1\", \"pnl\": 1.5}"),
        Arguments.of("python3", "bt.py", String.join("\n",
            "import json, os",
            "def main(bot_id, config):",
            "    open(os.environ['BERTH_RESULT_PATH'], 'w').write('{\"own\": true}')",
            "    return {'ignored': True}",
            ""), "{\"own\": true}"),
        Arguments.of("nodejs", "bt.js", "exports.main = async (id, config) => ({ id, pnl: config.size * 2 });\n",
            "{\"id\":\"bt-1\",\"pnl\":6}"),
        Arguments.of("nodejs", "bt.mjs", String.join("\n",
            "import fs from 'fs';",
            "export function main(id) { fs.writeFileSync(process.env.BERTH_RESULT_PATH, '[1]'); return {x: 1}; }",
            ""), "[1]"));
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("backtests")
  void aBacktestMainsReturnValueBecomesTheResult(String language, String entrypoint, String source,
      String expected) throws Exception {
    assumeInterpreter(language);
    BacktestSpec spec = BacktestSpec.builder("bt-1").codeBundle(CodeBundle.directory(bundle(entrypoint, source)))
        .entrypoint(entrypoint).config("{\"size\": 3}").resultPath("out/result.json").build();
    Path workspace = tmp.resolve("ws");

    Processes.Result result = launch(spec, workspace);

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(workspace.resolve("out/result.json")).hasContent(expected);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("python3", "bad.py", "def main(bot_id, config):\n    raise ValueError('boom')\n",
            "ValueError: boom"),
        Arguments.of("python3", "bad.py", "raise RuntimeError('script boom')\n", "RuntimeError: script boom"),
        Arguments.of("python3", "bad.py", "def main(:\n", "SyntaxError"),
        Arguments.of("nodejs", "bad.js", "exports.main = async () => { throw new Error('boom'); };\n",
            "Error: boom"),
        Arguments.of("nodejs", "bad.js", "throw new Error('script boom');\n", "Error: script boom"),
        Arguments.of("nodejs", "bad.mjs", "export function main() { throw new TypeError('esm boom'); }\n",
            "TypeError: esm boom"));
  }

  @ParameterizedTest(name = "{0} {1}: {3}")
  @MethodSource("failures")
  void anUncaughtErrorExitsNonZeroWithTheTraceback(String language, String entrypoint, String source,
      String error) throws Exception {
    assumeInterpreter(language);
    BacktestSpec spec = BacktestSpec.builder("bt-1").codeBundle(CodeBundle.directory(bundle(entrypoint, source)))
        .entrypoint(entrypoint).build();
    Path workspace = tmp.resolve("ws");

    Processes.Result result = launch(spec, workspace);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains(error).contains(entrypoint);
    assertThat(workspace.resolve("result.json")).doesNotExist();
  }

  @Test
  void anEntrypointWithShellCharactersInItsNameIsJustAFileName() throws Exception {
    assumeInterpreter("python3");
    String entrypoint = "odd $(touch pwned); name.py";
    BotSpec spec = BotSpec.builder("bot-1").codeBundle(CodeBundle.directory(bundle(entrypoint, "print('ran')\n")))
        .entrypoint(entrypoint).build();

    Processes.Result result = launch(spec);

    assertThat(result.stdout()).isEqualTo("ran\n");
    try (Stream<Path> files = Files.walk(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("pwned"))).isEmpty();
    }
  }

  private Path bundle(String entrypoint, String source) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(dir.resolve(entrypoint), source);
    Files.writeString(dir.resolve("helper.py"), "VALUE = 42\n");
    Files.writeString(dir.resolve("helper.js"), "exports.VALUE = 42;\n");
    return dir;
  }

  private Processes.Result launch(WorkloadSpec spec) throws Exception {
    return launch(spec, tmp.resolve("ws"));
  }

  /** Materialises into {@code target} (left for the assertions; the temp dir goes after the test) and runs. */
  private Processes.Result launch(WorkloadSpec spec, Path target) throws Exception {
    Workspace workspace = new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.empty()).materialize(spec, target);
    LaunchPlan plan = Entrypoints.plan(spec, workspace.root(), workspace.root().toString(),
        InterpreterResolver.host());
    return Processes.run(plan, tmp);
  }

  private static void assumeInterpreter(String language) {
    String family = Language.of(language).family().name();
    Map<String, String> executables = Map.of("PYTHON", "python3", "NODE", "node");
    String executable = executables.get(family);
    if (executable != null) {
      assumeTrue(HostInterpreters.onPath(executable).isPresent(), executable + " is not on the PATH");
    }
  }
}
