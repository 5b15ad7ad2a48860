package dev.berth.runtime.local;

import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.AtomicWrite;
import dev.berth.runtime.core.internal.Directories;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * File helpers whose results survive a crash at any instant: a reader sees the old or the new content of a
 * file, never a torn one.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Stores properties sorted by key, without the date comment, atomically. */
  static void writeProperties(Path target, Properties properties) throws IOException {
    Properties sorted = new Properties() {
      private static final long serialVersionUID = 1L;

      @Override
      public java.util.Set<java.util.Map.Entry<Object, Object>> entrySet() {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(
            new TreeMap<Object, Object>(properties).entrySet()));
      }
    };
    StringWriter out = new StringWriter();
    sorted.store(out, null);
    String text = out.toString();
    // Properties.store always writes a date comment first; drop it so files are stable.
    if (text.startsWith("#")) {
      text = text.substring(text.indexOf('\n') + 1);
    }
    AtomicWrite.writeString(target, text);
  }

  /** The properties in {@code file}, or empty when it does not exist. */
  static Optional<Properties> readProperties(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Properties properties = new Properties();
      properties.load(reader);
      return Optional.of(properties);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading " + file + " failed: " + e.getMessage() + ". Check the state "
          + "directory's permissions and free space.", e);
    }
  }

  /** Deletes a directory tree without following symbolic links; a missing directory is fine. */
  static void deleteTree(Path root) throws IOException {
    try {
      Directories.deleteRecursively(root);
    } catch (RuntimeOperationException e) {
      if (e.getCause() instanceof IOException) {
        throw (IOException) e.getCause();
      }
      throw e;
    }
  }
}
