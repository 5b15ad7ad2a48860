package dev.berth.runtime.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces a small file so that a reader, or a process that crashes at any instant, sees the old or the new
 * content, never a torn one: the text goes to a temporary sibling, which is then renamed over the target.
 */
public final class AtomicWrite {
  private AtomicWrite() {}

  /** Writes {@code text} as UTF-8 to {@code target}, creating its directory; the temporary file never stays. */
  public static void writeString(Path target, String text) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
