package dev.berth.runtime.local;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.core.internal.AtomicWrite;
import dev.berth.runtime.core.internal.BundleCache;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.Entrypoints;
import dev.berth.runtime.core.internal.ExtractionLimits;
import dev.berth.runtime.core.internal.InterpreterResolver;
import dev.berth.runtime.core.internal.LaunchPlan;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares and starts workload processes: code and {@code config.json} into the workspace (through
 * runtime-core's safe materialisation), the launch plan for the spec's language, a minimal environment,
 * and the {@link Wrapper} with output redirected to files.
 *
 * <p>The environment is the spec's own plus a small safe base taken from the JVM ({@code PATH},
 * {@code HOME}, {@code LANG}, {@code TZ}, when set), plus {@code BOT_ID} and {@code BOT_CONFIG}; the rest of
 * the JVM's environment (credentials, tokens) never leaks into a bot.
 */
final class Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
  /** Variables copied from the JVM's environment when set. */
  static final List<String> BASE_ENVIRONMENT = List.of("PATH", "HOME", "LANG", "TZ");
  private static final File DEV_NULL = new File("/dev/null");

  private final CodeMaterializer materializer;

  Launcher(Optional<ObjectStore> store) {
    this(store, Optional.empty());
  }

  Launcher(Optional<ObjectStore> store, Optional<BundleCache> bundleCache) {
    this.materializer = new CodeMaterializer(ExtractionLimits.DEFAULTS, store, bundleCache);
  }

  /** Fills the (absent or empty) workspace with the code bundle and {@code config.json}. */
  void materialize(WorkloadSpec spec, WorkloadDir dir) {
    if (!spec.image().isEmpty()) {
      LOG.debug("Workload {} names image '{}'; the local runtime runs host processes and ignores it",
          spec.id(), spec.image());
    }
    try {
      PrivateDirectories.create(dir.workspace());
    } catch (IOException e) {
      throw new RuntimeOperationException("Creating the workspace " + dir.workspace() + " of '" + spec.id()
          + "' failed: " + e.getMessage() + ". Check that the local runtime's state directory is writable.", e);
    }
    materializer.materialize(spec, dir.workspace());
  }

  /** Rewrites {@code config.json} after an update. */
  void writeConfig(WorkloadSpec spec, WorkloadDir dir) {
    try {
      PrivateDirectories.create(dir.workspace());
      AtomicWrite.writeString(dir.workspace().resolve(WorkloadSpec.CONFIG_FILE), spec.config());
    } catch (IOException e) {
      throw new RuntimeOperationException("Writing config.json of '" + spec.id() + "' into " + dir.workspace()
          + " failed: " + e.getMessage() + ". Check free space and permissions of the state directory.", e);
    }
  }

  /** The command, environment and directory this spec runs with. */
  LaunchPlan plan(WorkloadSpec spec, WorkloadDir dir) {
    Path workspace = dir.workspace();
    if (!Files.isDirectory(workspace)) {
      materialize(spec, dir); // removed behind our back: rebuild it rather than fail
    } else if (!Files.exists(workspace.resolve(WorkloadSpec.CONFIG_FILE))) {
      writeConfig(spec, dir);
    }
    return Entrypoints.plan(spec, workspace, workspace.toString(), InterpreterResolver.host());
  }

  /** The full environment of a workload: the safe base, then the plan's (spec env, BOT_ID, BOT_CONFIG). */
  static Map<String, String> environment(LaunchPlan plan) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : BASE_ENVIRONMENT) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.putAll(plan.environment());
    return env;
  }

  /**
   * Records a process the moment it exists, before {@code start} waits for its exec: a JVM that dies in
   * between then still leaves a workload a later JVM finds. If it throws, the process tree is killed and the
   * exception propagates from {@code start}.
   */
  @FunctionalInterface
  interface Started {
    void accept(Process process, ProcessRef ref);
  }

  /**
   * Starts one run: a fresh run directory, the wrapper, stdout/stderr appended to {@code run/stdout} and
   * {@code run/stderr}, stdin from {@code /dev/null}. No pipe connects the process to the JVM. Returns once the
   * wrapper runs, without waiting for it to exec the workload: a stop waits for that instead
   * ({@link ProcessControl#signalTree}), so starting many bots costs one spawn each.
   */
  Process start(WorkloadSpec spec, WorkloadDir dir, Optional<Path> cgroup, Started started) {
    LaunchPlan plan = plan(spec, dir);
    Map<String, String> environment = environment(plan);
    List<String> command = resolveProgram(spec, plan.command(), environment.get("PATH"), dir.workspace());
    try {
      WorkloadLock.Held logs = WorkloadLock.lock(dir.logsDir()); // no drain may see a half-made run directory
      try {
        dir.prepareRun();
      } finally {
        logs.close();
      }
      ProcessBuilder builder = new ProcessBuilder(Wrapper.argv(dir.runDir(), cgroup, command))
          .directory(dir.workspace().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.stdoutRaw().toFile()))
          .redirectError(ProcessBuilder.Redirect.appendTo(dir.stderrRaw().toFile()));
      builder.environment().clear();
      builder.environment().putAll(environment);
      Process process = builder.start();
      ProcessRef ref = ProcessControl.refOf(process, dir.runDir(), Wrapper.usesProcessGroups());
      try {
        started.accept(process, ref);
      } catch (RuntimeException | Error e) {
        ProcessControl.killAll(ref); // it could not be recorded: it must not run untracked
        ProcessControl.awaitExit(ref, Optional.of(process), java.time.Duration.ofSeconds(10));
        throw e;
      }
      LOG.debug("Started {} {} as pid {}: {}", spec.kind(), spec.id(), process.pid(), command);
      return process;
    } catch (IOException e) {
      throw new RuntimeOperationException("Starting " + spec.kind() + " '" + spec.id() + "' failed: "
          + e.getMessage() + ". Check that /bin/sh exists and " + dir.root() + " is writable.", e);
    }
  }

  /**
   * The command with its program resolved along the workload's {@code PATH} (relative entries against the
   * workspace, its working directory) to a file path. The wrapper shell then only ever runs a file: a bare
   * name would also match the shell's builtins ({@code exec} would replace the wrapper and lose the exit
   * code, {@code eval} would parse its arguments as shell text). A program containing '/' is kept as is.
   */
  static List<String> resolveProgram(WorkloadSpec spec, List<String> command, String path, Path workspace) {
    String program = command.get(0);
    if (program.contains("/")) {
      return command;
    }
    String searched = path == null ? "" : path;
    if (!program.isEmpty() && !program.equals(".") && !program.equals("..")) {
      for (String entry : searched.split(":", -1)) {
        Path candidate;
        try {
          candidate = workspace.resolve(entry).resolve(program);
        } catch (java.nio.file.InvalidPathException e) {
          continue; // not a usable directory or name
        }
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          List<String> resolved = new java.util.ArrayList<>(command);
          resolved.set(0, candidate.toAbsolutePath().toString());
          return List.copyOf(resolved);
        }
      }
    }
    throw new RuntimeOperationException("Starting " + spec.kind() + " '" + spec.id() + "' failed: program '"
        + program + "' not found on PATH=" + searched + ". Install it, give its absolute path, or set PATH in "
        + "the spec's env.");
  }

  /** The last non-empty line the workload wrote to stderr in its last run, for failure messages. */
  static Optional<String> lastErrorLine(WorkloadDir dir) {
    Path err = dir.stderrRaw();
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(err)) {
      long size = channel.size();
      int length = (int) Math.min(size, 2048);
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
      channel.read(buffer, size - length);
      String[] lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        String line = lines[i].strip();
        if (!line.isEmpty()) {
          return Optional.of(line.length() > 200 ? line.substring(0, 200) + "…" : line);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
