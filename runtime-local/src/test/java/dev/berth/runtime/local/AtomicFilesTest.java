package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  Path dir;

  private static Properties awkward() {
    Properties p = new Properties();
    p.setProperty("message", " leading space, = : # ! \\ tab\tnewline\nreturn\rfeed\f bell\u0007 del\u007f é ✓");
    p.setProperty("key with spaces=and:colons", "value");
    p.setProperty("empty", "");
    p.setProperty("#comment-like", "!bang");
    p.setProperty("env.0", "PATH=/usr/bin:/bin");
    return p;
  }

  @Test
  void everyPropertyReadsBackAsWritten() throws Exception {
    Path file = dir.resolve("state.properties");
    AtomicFiles.writeProperties(file, awkward());
    assertThat(AtomicFiles.readProperties(file)).contains(awkward());
  }

  @Test
  void theFileIsWhatPropertiesStoreWritesSortedWithoutItsDateComment() throws Exception {
    Properties p = new Properties();
    p.setProperty("state", "RUNNING");
    p.setProperty("message", "stopped on request: exit code 143 = SIGTERM");
    p.setProperty("b key", " x");
    StringWriter stored = new StringWriter();
    Properties sorted = new Properties() {
      private static final long serialVersionUID = 1L;

      @Override
      public java.util.Set<java.util.Map.Entry<Object, Object>> entrySet() {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(
            new java.util.TreeMap<Object, Object>(p).entrySet()));
      }
    };
    sorted.store(stored, null);
    String expected = stored.toString().substring(stored.toString().indexOf('\n') + 1);
    Path file = dir.resolve("state.properties");
    AtomicFiles.writeProperties(file, p);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(expected);
  }
}
