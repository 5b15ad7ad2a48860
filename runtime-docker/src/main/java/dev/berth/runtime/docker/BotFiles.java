package dev.berth.runtime.docker;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.AtomicWrite;
import dev.berth.runtime.core.internal.BotSpecCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host-side state of one workload kind in one scope: {@code <work-dir>/<scope>/<kind>s/<id>/} holds
 * {@code spec.properties} (for updates from any JVM), a stop marker, and {@code workspace/}, the directory
 * mounted into the container. Docker's container state has no "stopped on request" flag, so the marker
 * records which run (container id and start time) a stop request ended; a new JVM reads it too.
 */
final class BotFiles {
  private static final String SPEC = "spec.properties";
  private static final String STOP_MARKER = "stop-requested";
  static final String WORKSPACE = "workspace";

  private final Path kindDir;

  private static final String STAGING = ".new-";
  private static final java.util.regex.Pattern STAGING_NAME = java.util.regex.Pattern.compile(
      "\\.new-.+-([0-9]{1,18})-[0-9]+");

  BotFiles(Path scopeDir, String kind) {
    this.kindDir = scopeDir.resolve(kind + "s").toAbsolutePath().normalize();
  }

  Path dir(String id) {
    return kindDir.resolve(id);
  }

  /** The directory mounted into the container; created by the code materializer. */
  Path workspace(String id) {
    return dir(id).resolve(WORKSPACE);
  }

  void writeSpec(BotSpec spec) {
    writeSpec(dir(spec.id()), spec);
  }

  static void writeSpec(Path dir, BotSpec spec) {
    write(dir.resolve(SPEC), BotSpecCodec.toText(spec));
  }

  /**
   * A fresh directory to prepare a workload's files in before {@link #install} moves them into place. Its name
   * carries this JVM's pid, so the staging directories of a JVM killed during a create or update are removed
   * by the next one made here.
   */
  Path staging(String id) {
    try {
      Files.createDirectories(kindDir);
      removeStagingOfDeadJvms();
      return Files.createTempDirectory(kindDir, STAGING + id + "-" + ProcessHandle.current().pid() + "-");
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot create a directory for '" + id + "' in " + kindDir + ": "
          + e.getMessage() + ". Check that docker.work-dir is writable.", e);
    }
  }

  private void removeStagingOfDeadJvms() {
    try (java.util.stream.Stream<Path> entries = Files.list(kindDir)) {
      entries.filter(path -> {
        java.util.regex.Matcher name = STAGING_NAME.matcher(path.getFileName().toString());
        return name.matches() && ProcessHandle.of(Long.parseLong(name.group(1))).isEmpty();
      }).forEach(path -> {
        try {
          dev.berth.runtime.core.internal.Workspace.of(path).close();
        } catch (RuntimeException e) {
          // another JVM removes it, or the next staging does
        }
      });
    } catch (IOException | RuntimeException e) {
      // nothing to sweep now; the next staging tries again
    }
  }

  /** Replaces the workload's directory (a leftover of a removed container, if any) with {@code staging}. */
  void install(String id, Path staging) {
    delete(id);
    try {
      Files.move(staging, dir(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot move " + staging + " to " + dir(id) + ": " + e.getMessage()
          + ". Check that docker.work-dir is writable.", e);
    }
  }

  Optional<BotSpec> readSpec(String id) {
    Path file = dir(id).resolve(SPEC);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(BotSpecCodec.fromText(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Records that the run of {@code containerId} started at {@code startedAt} ended by our stop. */
  void markStopRequested(String id, String containerId, String startedAt) {
    write(dir(id).resolve(STOP_MARKER), containerId + " " + startedAt);
  }

  boolean stopRequested(String id, String containerId, String startedAt) {
    Path file = dir(id).resolve(STOP_MARKER);
    try {
      return Files.isRegularFile(file)
          && Files.readString(file, StandardCharsets.UTF_8).equals(containerId + " " + startedAt);
    } catch (IOException e) {
      return false;
    }
  }

  void clearStopRequested(String id) {
    try {
      Files.deleteIfExists(dir(id).resolve(STOP_MARKER));
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot delete the stop marker of '" + id + "' in " + dir(id)
          + ": " + e.getMessage() + ". Check the permissions of docker.work-dir.", e);
    }
  }

  /** The ids that have a directory here (staging directories of creates in progress excluded). */
  java.util.Set<String> ids() {
    try (java.util.stream.Stream<Path> entries = Files.list(kindDir)) {
      return entries.filter(Files::isDirectory).map(path -> path.getFileName().toString())
          .filter(name -> !name.startsWith(".")).collect(java.util.stream.Collectors.toSet());
    } catch (java.nio.file.NoSuchFileException e) {
      return java.util.Set.of();
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot list " + kindDir + ": " + e.getMessage()
          + ". Check the permissions of docker.work-dir.", e);
    }
  }

  /** Removes the workload's whole host directory. */
  void delete(String id) {
    dev.berth.runtime.core.internal.Workspace.of(dir(id)).close();
  }

  private static void write(Path file, String text) {
    try {
      AtomicWrite.writeString(file, text);
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot write " + file + ": " + e.getMessage()
          + ". Check that docker.work-dir is writable.", e);
    }
  }
}
