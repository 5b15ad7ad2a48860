package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
  @TempDir
  Path dir;

  @Test
  void createsReplacesAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("state/bot.properties");
    AtomicWrite.writeString(target, "old");
    AtomicWrite.writeString(target, "new ✓");
    assertThat(target).hasContent("new ✓");
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void aFailedWriteLeavesTheOldContentAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("occupied");
    Files.createDirectories(target.resolve("child")); // a non-empty directory cannot be replaced by a file
    assertThatThrownBy(() -> AtomicWrite.writeString(target, "x")).isInstanceOf(IOException.class);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
    assertThat(target.resolve("child")).isDirectory();
  }
}
