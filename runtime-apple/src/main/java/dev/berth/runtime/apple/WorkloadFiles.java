package dev.berth.runtime.apple;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.internal.AtomicWrite;
import dev.berth.runtime.core.internal.BotSpecCodec;
import dev.berth.runtime.core.internal.Workspace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The host side of one kind of workload in one scope: {@code <work-dir>/<scope>/<kind>s/<id>/} holds
 * {@code spec.properties} (bots, for updates from any JVM) and one directory per container,
 * {@code <container-name>/}, with {@code workspace/} (mounted at {@code /bot} or {@code /backtest}),
 * {@code state/} (mounted at {@value Wrapper#STATE_DIR}, written by the {@link Wrapper}) and Berth's own
 * markers {@code started} and {@code stop-requested}. A container's mounts name their host paths for good,
 * so a container that replaces another gets a directory of its own.
 *
 * <p>The workload can write its state directory, so what Berth reads there is read without following links
 * and only a few bytes of it.
 */
final class WorkloadFiles {
  private static final String SPEC = "spec.properties";
  private static final String STARTED = "started";
  private static final String STOP_REQUESTED = "stop-requested";
  static final String WORKSPACE = "workspace";
  static final String STATE = "state";

  /**
   * What the wrapper wrote when the workload ended.
   *
   * @param code the exit code
   * @param at when it was written: the finish time
   */
  record Exit(int code, Instant at) {}

  private final Path kindDir;

  WorkloadFiles(Path scopeDir, WorkloadKind kind) {
    this.kindDir = scopeDir.resolve(kind.label() + "s").toAbsolutePath().normalize();
  }

  Path dir(String id) {
    return kindDir.resolve(id);
  }

  Path containerDir(String id, String name) {
    return dir(id).resolve(name);
  }

  Path workspace(String id, String name) {
    return containerDir(id, name).resolve(WORKSPACE);
  }

  Path stateDir(String id, String name) {
    return containerDir(id, name).resolve(STATE);
  }

  /**
   * A fresh directory for a new container (what an earlier container of that name left is removed), with an
   * empty state directory any user in the VM may write: the workload may run as another user than Berth.
   */
  Path prepare(String id, String name) {
    Path dir = containerDir(id, name);
    try {
      Workspace.of(dir).close();
      Path state = Files.createDirectories(dir.resolve(STATE));
      Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir;
    } catch (IOException | UnsupportedOperationException e) {
      throw writeFailed(dir, e);
    }
  }

  /** Writes the env file the CLI reads at create, readable by this user only (values may be secrets). */
  Path writeEnvFile(String id, String name, Map<String, String> env) {
    Path file = containerDir(id, name).resolve("env");
    StringBuilder text = new StringBuilder();
    env.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      return file;
    } catch (IOException | UnsupportedOperationException e) {
      throw writeFailed(file, e);
    }
  }

  void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the next create of this container replaces it
    }
  }

  void writeSpec(BotSpec spec) {
    write(dir(spec.id()).resolve(SPEC), BotSpecCodec.toText(spec));
  }

  Optional<BotSpec> readSpec(String id) {
    Path file = dir(id).resolve(SPEC);
    try {
      return Optional.of(BotSpecCodec.fromText(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Records a start request: its time is the run's start; the last run's exit and stop request are cleared. */
  void markStarted(String id, String name, Instant at) {
    Path dir = containerDir(id, name);
    try {
      Files.deleteIfExists(dir.resolve(STOP_REQUESTED));
      Files.deleteIfExists(stateDir(id, name).resolve("exit"));
    } catch (IOException e) {
      throw writeFailed(dir, e);
    }
    write(dir.resolve(STARTED), Long.toString(at.toEpochMilli()));
  }

  /** Puts back the start marker {@link #markStarted} replaced, after a start that failed. */
  void restoreStarted(String id, String name, Optional<Instant> before) {
    Path file = containerDir(id, name).resolve(STARTED);
    if (before.isPresent()) {
      write(file, Long.toString(before.get().toEpochMilli()));
    } else {
      deleteQuietly(file);
    }
  }

  Optional<Instant> startedAt(String id, String name) {
    OptionalLong millis = number(containerDir(id, name).resolve(STARTED), false);
    return millis.isPresent() ? Optional.of(Instant.ofEpochMilli(millis.getAsLong())) : Optional.empty();
  }

  /** Marks the current run (known by its start marker) as ended by a stop request. */
  void markStopRequested(String id, String name) {
    startedAt(id, name).ifPresent(at -> write(containerDir(id, name).resolve(STOP_REQUESTED),
        Long.toString(at.toEpochMilli())));
  }

  boolean stopRequested(String id, String name) {
    OptionalLong marked = number(containerDir(id, name).resolve(STOP_REQUESTED), false);
    Optional<Instant> started = startedAt(id, name);
    return marked.isPresent() && started.isPresent() && marked.getAsLong() == started.get().toEpochMilli();
  }

  /** The exit the wrapper recorded for the current run, if it has ended. */
  Optional<Exit> exit(String id, String name) {
    Path file = stateDir(id, name).resolve("exit");
    OptionalLong code = number(file, true);
    if (code.isEmpty() || code.getAsLong() < 0 || code.getAsLong() > 255) {
      return Optional.empty();
    }
    try {
      Instant at = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .lastModifiedTime().toInstant();
      return Optional.of(new Exit((int) code.getAsLong(), at));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A number the wrapper wrote in the state directory ({@code runs}, {@code count-O}, ...). */
  OptionalLong state(String id, String name, String file) {
    return number(stateDir(id, name).resolve(file), true);
  }

  /** The ids that have a directory here. */
  Set<String> ids() {
    try (Stream<Path> entries = Files.list(kindDir)) {
      return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).collect(Collectors.toSet());
    } catch (NoSuchFileException e) {
      return Set.of();
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot list " + kindDir + ": " + e.getMessage()
          + ". Check the permissions of apple.work-dir.", e);
    }
  }

  /** Removes the workload's whole host directory. */
  void delete(String id) {
    Workspace.of(dir(id)).close();
  }

  /** Removes one container's directory. */
  void deleteContainer(String id, String name) {
    Workspace.of(containerDir(id, name)).close();
  }

  /**
   * A small decimal number in a file; empty when the file is missing, a link (in a directory the workload
   * writes, a link could point anywhere on this host), larger than 32 bytes or not a number.
   */
  private static OptionalLong number(Path file, boolean untrusted) {
    Set<OpenOption> options = untrusted ? Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
        : Set.of(StandardOpenOption.READ);
    try (SeekableByteChannel channel = Files.newByteChannel(file, options)) {
      ByteBuffer buffer = ByteBuffer.allocate(33);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // fill
      }
      if (buffer.position() > 32) {
        return OptionalLong.empty();
      }
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
      return text.matches("[0-9]{1,18}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return OptionalLong.empty();
    }
  }

  private static void write(Path file, String text) {
    try {
      AtomicWrite.writeString(file, text);
    } catch (IOException e) {
      throw writeFailed(file, e);
    }
  }

  private static RuntimeOperationException writeFailed(Path path, Exception e) {
    return new RuntimeOperationException("Cannot write " + path + ": " + e.getMessage()
        + ". Check that apple.work-dir is writable.", e);
  }
}
