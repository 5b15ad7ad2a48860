package dev.berth.runtime.local;

import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.AtomicWrite;
import dev.berth.runtime.core.internal.Directories;
import java.io.IOException;
import java.io.Reader;
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

  /**
   * Stores properties sorted by key, without the date comment, atomically, in the format
   * {@link Properties#load(Reader)} reads. Written here rather than by {@link Properties#store}, which formats
   * a date (time zone names included) and allocates a sorted copy and an 8 KB buffer on every call: a bot's
   * state is saved several times per start and stop, and that was the larger part of their CPU time.
   */
  static void writeProperties(Path target, Properties properties) throws IOException {
    TreeMap<String, String> sorted = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      sorted.put(name, properties.getProperty(name));
    }
    StringBuilder text = new StringBuilder(1024);
    for (java.util.Map.Entry<String, String> entry : sorted.entrySet()) {
      escape(entry.getKey(), true, text);
      text.append('=');
      escape(entry.getValue(), false, text);
      text.append('\n');
    }
    AtomicWrite.writeString(target, text.toString());
  }

  /** Escapes as {@link Properties#store} does, and control characters as {@code \\u} and four hex digits. */
  static void escape(String text, boolean key, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case ' ' -> out.append(i == 0 || key ? "\\ " : " ");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\f' -> out.append("\\f");
        case '\\', '=', ':', '#', '!' -> out.append('\\').append(c);
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
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
