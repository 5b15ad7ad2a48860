package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.Progress;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.FileSystemObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeMaterializerTest {
  @TempDir Path tmp;

  private final CodeMaterializer materializer = new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.empty());

  @Test
  void copiesADirectoryBundleWithItsConfig() throws IOException {
    Path source = sourceDir();
    BotSpec spec = bot(CodeBundle.directory(source)).config("{\"symbol\":\"BTC-USD\"}").build();
    Path target = tmp.resolve("state/bots/bot-1");

    try (Workspace workspace = materializer.materialize(spec, target)) {
      assertThat(workspace.root()).isEqualTo(target);
      assertThat(target.resolve("main.py")).hasContent("print('hi')");
      assertThat(target.resolve("lib/util.py")).hasContent("X = 1");
      assertThat(target.resolve("bin/run.sh")).isExecutable();
      assertThat(Files.readSymbolicLink(target.resolve("lib/alias.py"))).isEqualTo(Path.of("util.py"));
      assertThat(target.resolve("config.json")).hasContent("{\"symbol\":\"BTC-USD\"}");
    }
    assertThat(target).doesNotExist();
    assertThat(source.resolve("main.py")).exists();
  }

  @Test
  void refusesDirectorySymlinksThatLeaveTheBundle() throws IOException {
    Path source = sourceDir();
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(source.resolve("lib/leak"), secret);
    Path target = tmp.resolve("ws");

    assertThatThrownBy(() -> materializer.materialize(bot(CodeBundle.directory(source)).build(), target))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith("Invalid code bundle of 'bot-1': codeBundle: entry 'lib/leak' is a symbolic link to '"
            + secret + "', outside the bundle directory");
    assertThat(target).doesNotExist();
  }

  @Test
  void extractsALocalArchive() throws IOException {
    Path archive = tmp.resolve("bot.zip");
    Files.write(archive, new TestArchives.Zip().file("main.py", "print('zip')").bytes());

    try (Workspace workspace = materializer.materialize(bot(CodeBundle.archive(archive)).build(), tmp.resolve("ws"))) {
      assertThat(workspace.root().resolve("main.py")).hasContent("print('zip')");
    }
  }

  @Test
  void extractsAStoredBundleAndReportsProgress() {
    ObjectStore store = new FileSystemObjectStore(tmp.resolve("store"));
    byte[] tar = new TestArchives.Tar().file("main.py", "print('stored')")
        .file("data.csv", SafeExtractorTest.random(2 << 20)).bytes();
    store.put(ObjectStore.CODE_BUCKET, "momentum/v7.tar.gz", tar, "application/gzip");
    List<Progress> reports = new ArrayList<>();
    CodeMaterializer withStore = new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.of(store), reports::add);
    BacktestSpec spec = BacktestSpec.builder("bt-1").codeBundle(CodeBundle.stored("momentum/v7.tar.gz"))
        .entrypoint("main.py").build();

    try (Workspace workspace = withStore.materialize(spec, tmp.resolve("ws"))) {
      assertThat(workspace.root().resolve("main.py")).hasContent("print('stored')");
    }
    assertThat(reports).isNotEmpty().allSatisfy(p -> {
      assertThat(p.operation()).isEqualTo("extract");
      assertThat(p.subject()).isEqualTo("custom-bots/momentum/v7.tar.gz");
      assertThat(p.total()).isEqualTo(tar.length);
    });
    assertThat(reports.get(reports.size() - 1).completed()).isEqualTo(tar.length);
  }

  @Test
  void reportsCopyProgressOfDirectoryBundles() throws IOException {
    Path source = sourceDir();
    Files.writeString(source.resolve("big.csv"), SafeExtractorTest.random(3 << 20));
    List<Progress> reports = new ArrayList<>();

    new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.empty(), reports::add)
        .materialize(bot(CodeBundle.directory(source)).build(), tmp.resolve("ws")).close();

    assertThat(reports).hasSizeGreaterThan(2).allSatisfy(p -> assertThat(p.operation()).isEqualTo("copy"));
    assertThat(reports.get(reports.size() - 1).fraction()).hasValue(1.0);
  }

  @Test
  void namesTheBotAndTheFixForMissingBundles() {
    Path target = tmp.resolve("ws");

    assertThatThrownBy(() -> materializer.materialize(bot(CodeBundle.stored("x.zip")).build(), target))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'bot-1'")
        .hasMessageContaining("none is configured; set store.type");
    assertThatThrownBy(() -> new CodeMaterializer(ExtractionLimits.DEFAULTS,
        Optional.of(new FileSystemObjectStore(tmp.resolve("store")))).materialize(bot(CodeBundle.stored("x.zip"))
        .build(), target)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("object 'custom-bots/x.zip' does not exist");
    assertThatThrownBy(() -> materializer.materialize(bot(CodeBundle.archive(tmp.resolve("gone.zip"))).build(),
        target)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> materializer.materialize(bot(CodeBundle.directory(tmp.resolve("gone"))).build(),
        target)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("does not exist");
    assertThat(target).doesNotExist();
  }

  @Test
  void anEntrypointMissingFromTheBundleIsReportedWithWhatIsThere() throws IOException {
    Path source = sourceDir();
    Path target = tmp.resolve("ws");

    assertThatThrownBy(() -> materializer.materialize(bot(CodeBundle.directory(source)).entrypoint("strategy.py")
        .build(), target)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("entrypoint: 'strategy.py' is not a file in the code bundle (found bin/run.sh, "
            + "lib/alias.py, lib/util.py, main.py)");
    assertThat(target).doesNotExist();
  }

  @Test
  void aSpecWithoutBundleGetsJustItsConfig() {
    BotSpec spec = BotSpec.builder("bot-1").command("sleep", "1").config("{\"levels\":[1,2]}").build();

    try (Workspace workspace = materializer.materialize(spec, tmp.resolve("ws"))) {
      assertThat(workspace.root().resolve("config.json")).hasContent("{\"levels\":[1,2]}");
    }
  }

  @Test
  void leavesANonEmptyTargetAlone() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("ws"));
    Files.writeString(target.resolve("other.txt"), "someone else's");

    assertThatThrownBy(() -> materializer.materialize(bot(CodeBundle.directory(sourceDir())).build(), target))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("'bot-1'")
        .hasMessageContaining("not an empty directory");
    assertThat(target.resolve("other.txt")).hasContent("someone else's");
  }

  @Test
  void theConfigReplacesABundlesConfigLinkInsteadOfWritingThroughIt() throws IOException {
    Path archive = tmp.resolve("bot.tar.gz");
    Files.write(archive, new TestArchives.Tar().file("main.py", "print('mine')").symlink("config.json", "main.py")
        .bytes());

    try (Workspace workspace = materializer.materialize(bot(CodeBundle.archive(archive)).config("{\"a\":1}").build(),
        tmp.resolve("ws"))) {
      assertThat(workspace.root().resolve("main.py")).hasContent("print('mine')");
      assertThat(Files.isSymbolicLink(workspace.root().resolve("config.json"))).isFalse();
      assertThat(workspace.root().resolve("config.json")).hasContent("{\"a\":1}");
    }
  }

  @Test
  void aDirectoryNamedLikeTheConfigFileIsABundleError() throws IOException {
    Path archive = tmp.resolve("bot.zip");
    Files.write(archive, new TestArchives.Zip().file("main.py", "x").file("config.json/settings", "{}").bytes());

    assertThatThrownBy(() -> materializer.materialize(bot(CodeBundle.archive(archive)).build(), tmp.resolve("ws")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("entry 'config.json' is a directory, but Berth writes the bot's config to that file");
    assertThat(tmp.resolve("ws")).doesNotExist();
  }

  @Test
  void limitsApplyToDirectoryBundlesToo() throws IOException {
    Path source = sourceDir();
    CodeMaterializer strict = new CodeMaterializer(new ExtractionLimits(1 << 20, 3, 100), Optional.empty());

    assertThatThrownBy(() -> strict.materialize(bot(CodeBundle.directory(source)).build(), tmp.resolve("ws")))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("exceeds the limit of 3 entries");
    assertThat(tmp.resolve("ws")).doesNotExist();
  }

  @Test
  void workspaceCloseIsIdempotentAndRemovesReadOnlyDirectories() throws IOException {
    Workspace workspace = materializer.materialize(bot(CodeBundle.directory(sourceDir())).build(), tmp.resolve("ws"));
    Path locked = Files.createDirectories(workspace.root().resolve("locked/inner"));
    Files.writeString(locked.resolve("f"), "x");
    locked.toFile().setWritable(false);
    Files.createSymbolicLink(workspace.root().resolve("outside"), tmp);

    workspace.close();
    workspace.close();
    Workspace.of(workspace.root()).close();

    assertThat(workspace.root()).doesNotExist();
    assertThat(tmp).isDirectory();
  }

  private Path sourceDir() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src"));
    if (Files.exists(source.resolve("main.py"))) {
      return source;
    }
    Files.writeString(source.resolve("main.py"), "print('hi')");
    Files.createDirectories(source.resolve("lib"));
    Files.writeString(source.resolve("lib/util.py"), "X = 1");
    Files.createSymbolicLink(source.resolve("lib/alias.py"), Path.of("util.py"));
    Files.createDirectories(source.resolve("bin"));
    Files.writeString(source.resolve("bin/run.sh"), "#!/bin/sh\n");
    source.resolve("bin/run.sh").toFile().setExecutable(true);
    return source;
  }

  private static BotSpec.Builder bot(CodeBundle bundle) {
    return BotSpec.builder("bot-1").codeBundle(bundle).entrypoint("main.py");
  }
}
