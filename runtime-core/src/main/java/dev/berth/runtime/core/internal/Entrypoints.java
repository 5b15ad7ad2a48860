package dev.berth.runtime.core.internal;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how a workload starts: the interpreter, a fixed launcher script, the entrypoint and the
 * environment. User data (entrypoint, arguments, config) only ever travels as argv elements, environment
 * values and files; launchers are constant text written to {@code .berth/} and never interpolated.
 *
 * <ul>
 *   <li>No entrypoint: the spec's {@code command}, run in the working directory.
 *   <li>{@code python3[.X]}: {@code python3 -u .berth/launch.py <entrypoint> <command...>}. A module with a
 *       top-level {@code def main(id, config)} is imported and main is called; anything else runs as
 *       {@code __main__}.
 *   <li>{@code nodejs[NN]}: {@code node .berth/launch.cjs <entrypoint> <command...>}; an exported
 *       {@code main(id, config)} (may be async) is called, anything else runs as the main module.
 *   <li>{@code java}: {@code java <Entrypoint.java> <command...>} (single-file source launch), or
 *       {@code java -jar} for a {@code .jar}.
 *   <li>{@code command}: the entrypoint file itself is executed (made executable first).
 * </ul>
 * The language defaults from the entrypoint's extension. Every workload gets {@value WorkloadSpec#BOT_ID_ENV},
 * {@value WorkloadSpec#BOT_CONFIG_ENV} (left out, with a warning, above {@value #MAX_CONFIG_ENV_BYTES}
 * bytes, where it could break process start; {@code config.json} always has it) and, for backtests,
 * {@value #RESULT_PATH_ENV}. For a backtest whose {@code main} returns a value the launcher writes it as
 * the result JSON unless the program wrote the result file itself.
 */
public final class Entrypoints {
  /** Environment variable holding the absolute result path of a backtest, as the workload sees it. */
  public static final String RESULT_PATH_ENV = "BERTH_RESULT_PATH";
  /** Directory inside the workspace holding launcher files. */
  public static final String LAUNCHER_DIR = ".berth";
  /** Where container backends mount a bot's workspace. */
  public static final String BOT_WORKDIR = "/bot";
  /** Where container backends mount a backtest's workspace. */
  public static final String BACKTEST_WORKDIR = "/backtest";
  /** Config larger than this is delivered in {@code config.json} only. */
  public static final int MAX_CONFIG_ENV_BYTES = 100_000;

  private static final Logger log = LoggerFactory.getLogger(Entrypoints.class);

  private Entrypoints() {}

  /**
   * Writes any launcher files into {@code hostWorkspace/.berth/} and returns the plan.
   *
   * @param hostWorkspace the workspace on this host (from {@link CodeMaterializer#materialize})
   * @param workdir the same directory as the workload sees it: the host path for local processes,
   *     {@code /bot} or {@code /backtest} inside a container
   * @param interpreters maps the language to the interpreter to run
   */
  public static LaunchPlan plan(WorkloadSpec spec, Path hostWorkspace, String workdir,
      InterpreterResolver interpreters) {
    Map<String, String> env = environment(spec, workdir);
    if (spec instanceof BacktestSpec) {
      createResultDirectory(hostWorkspace, ((BacktestSpec) spec).resultPath());
    }
    if (spec.entrypoint().isEmpty()) {
      return new LaunchPlan(spec.command(), env, workdir);
    }
    String entrypoint = spec.entrypoint().get();
    Language language = spec.language().map(Language::of).orElseGet(() -> Language.ofEntrypoint(entrypoint));
    List<String> command = new ArrayList<>(interpreters.resolve(language.text()));
    String entry = join(workdir, entrypoint);
    switch (language.family()) {
      case PYTHON:
        command.add("-u");
        command.add(join(workdir, writeLauncher(hostWorkspace, "launch.py")));
        command.add(entry);
        env.putIfAbsent("PYTHONUNBUFFERED", "1");
        break;
      case NODE:
        command.add(join(workdir, writeLauncher(hostWorkspace, "launch.cjs")));
        command.add(entry);
        break;
      case JAVA:
        if (entrypoint.endsWith(".jar")) {
          command.add("-jar");
        }
        command.add(entry);
        break;
      default:
        makeExecutable(hostWorkspace.resolve(entrypoint));
        command.add(entry);
    }
    command.addAll(spec.command());
    return new LaunchPlan(command, env, workdir);
  }

  /** {@value #BOT_WORKDIR} for bots, {@value #BACKTEST_WORKDIR} for backtests: the workdir inside a container. */
  public static String containerWorkdir(WorkloadSpec spec) {
    return spec instanceof BacktestSpec ? BACKTEST_WORKDIR : BOT_WORKDIR;
  }

  private static Map<String, String> environment(WorkloadSpec spec, String workdir) {
    Map<String, String> env = new LinkedHashMap<>(spec.env());
    env.put(WorkloadSpec.BOT_ID_ENV, spec.id());
    if (spec.config().getBytes(StandardCharsets.UTF_8).length <= MAX_CONFIG_ENV_BYTES) {
      env.put(WorkloadSpec.BOT_CONFIG_ENV, spec.config());
    } else {
      log.warn("The config of {} is larger than {} bytes; it is delivered in {} only, not in {}", spec.id(),
          MAX_CONFIG_ENV_BYTES, WorkloadSpec.CONFIG_FILE, WorkloadSpec.BOT_CONFIG_ENV);
    }
    if (spec instanceof BacktestSpec) {
      env.put(RESULT_PATH_ENV, join(workdir, ((BacktestSpec) spec).resultPath()));
    }
    return env;
  }

  /** Creates the result file's parent directories, so a program can write {@code out/result.json} at once. */
  private static void createResultDirectory(Path hostWorkspace, String resultPath) {
    Path parent = hostWorkspace.resolve(resultPath).normalize().getParent();
    if (parent == null || !parent.startsWith(hostWorkspace) || parent.equals(hostWorkspace)) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new RuntimeOperationException("Creating the result directory " + parent + " failed (" + e
          + "); check the workspace's permissions", e);
    }
  }

  /** Joins a workload-side directory and a relative {@code /}-path without touching the host file system. */
  static String join(String workdir, String relative) {
    return workdir.endsWith("/") || workdir.endsWith("\\") ? workdir + relative : workdir + "/" + relative;
  }

  /** Writes a launcher resource to {@code .berth/<name>}, replacing (never following) what is there. */
  private static String writeLauncher(Path hostWorkspace, String name) {
    Path dir = hostWorkspace.resolve(LAUNCHER_DIR);
    Path file = dir.resolve(name);
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(dir); // a bundle's file or link named .berth must not redirect the launcher
      }
      Files.createDirectories(dir);
      if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
        Directories.deleteRecursively(file);
      }
      Files.deleteIfExists(file);
      Files.write(file, resource(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      return LAUNCHER_DIR + "/" + name;
    } catch (IOException e) {
      throw new RuntimeOperationException("Writing the launcher " + file + " failed (" + e + "); check free disk "
          + "space and permissions of the workspace", e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = Entrypoints.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new RuntimeOperationException("The launcher resource " + name + " is missing from "
            + "berth-runtime-core; the jar is damaged or repackaged without its resources. Use the published jar.");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading the launcher resource " + name + " from berth-runtime-core "
          + "failed: " + e.getMessage(), e);
    }
  }

  private static void makeExecutable(Path file) {
    try {
      Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(file));
      if (perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_EXECUTE))) {
        Files.setPosixFilePermissions(file, perms);
      }
    } catch (UnsupportedOperationException | IOException e) {
      log.debug("Could not make {} executable: {}", file, e.toString());
    }
  }
}
