package dev.berth.runtime.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the argument list that starts a workload under a tiny supervisor shell which outlives the JVM.
 *
 * <p>Why a wrapper: the JVM that starts a bot may die while the bot runs on. A later JVM can find the process
 * again (pid + start time) but can never collect its exit status, because only a parent can {@code wait}
 * for a child. So every workload is started as the child of a fixed {@code /bin/sh} script that waits for it
 * and writes its exit code to {@code <run-dir>/exit}, where any JVM can read it. The script text is a
 * constant: the run directory, the cgroup directories to join (one on cgroup v2, one per controller on v1)
 * and the workload's argv are passed as positional parameters, never interpolated into the script, so no
 * user data is ever parsed by the shell.
 *
 * <p>The wrapper traps TERM and INT with a no-op: a SIGTERM sent to the whole process group reaches the
 * workload, while the wrapper defers its trap until the workload has exited (POSIX: traps run after the
 * foreground command completes) and then still records the code. A trap with an action, unlike an ignored
 * signal, is reset to the default in the exec'd workload, so the workload sees TERM normally.
 *
 * <p>When {@code setsid} exists (Linux, util-linux) the wrapper runs in a session and process group of its
 * own (pid = pgid): terminal hang-ups of the JVM's session never reach the bot, and once the workload has
 * exited and its code is recorded, the wrapper ends everything left in its group with {@code kill -KILL 0}
 * (daemons the workload forked off, a {@code sleep} a killed shell left behind), as a container engine does
 * when a container's main process exits. Without {@code setsid} (macOS) that last step is skipped, since the
 * group would be the JVM's.
 */
final class Wrapper {
  /**
   * The fixed script. $1 = run dir, $2 = the number n of cgroup directories to join, then those n directories,
   * then 1 when in an own group (else 0), then the argv.
   */
  static final String SCRIPT = String.join("\n",
      "d=$1; n=$2; shift 2",
      "while [ \"$n\" -gt 0 ]; do",
      "  echo $$ > \"$1/cgroup.procs\" || { echo \"berth: cannot join cgroup $1\" >&2; echo 125 > \"$d/exit\"; exit 125; }",
      "  n=$((n-1)); shift",
      "done",
      "o=$1; shift",
      "trap : TERM INT",
      "\"$@\"",
      "c=$?",
      "echo \"$c\" > \"$d/exit\"",
      "if [ \"$o\" = 1 ]; then kill -s KILL 0; fi",
      "exit \"$c\"");

  /** The name the wrapper shows as {@code $0} in {@code ps}. */
  static final String NAME = "berth-wrapper";

  private static final Optional<Path> SETSID = findExecutable("setsid");
  private static final Path SHELL = Path.of("/bin/sh");

  private Wrapper() {}

  /**
   * The argv that runs {@code command} under the wrapper, recording its exit code in {@code runDir}, in the
   * cgroup named by {@code cgroup} (a leaf from {@link Cgroups}), if any.
   */
  static List<String> argv(Path runDir, Optional<Path> cgroup, List<String> command) {
    List<Path> cgroups = cgroup.map(Cgroups::joined).orElse(List.of());
    List<String> argv = new ArrayList<>(command.size() + 8 + cgroups.size());
    SETSID.ifPresent(setsid -> argv.add(setsid.toString()));
    argv.add(SHELL.toString());
    argv.add("-c");
    argv.add(SCRIPT);
    argv.add(NAME);
    argv.add(runDir.toString());
    argv.add(Integer.toString(cgroups.size()));
    cgroups.forEach(dir -> argv.add(dir.toString()));
    argv.add(SETSID.isPresent() ? "1" : "0");
    argv.addAll(command);
    return argv;
  }

  /**
   * How the wrapper shell's command line starts (NUL-separated, as in {@code /proc/<pid>/cmdline}): a child
   * the wrapper forked still shows it until it has exec'd the workload.
   */
  static String shellCommandLinePrefix() {
    return SHELL + "\0-c\0" + SCRIPT + "\0" + NAME + "\0";
  }

  /** Whether workloads get a session and process group of their own. */
  static boolean usesProcessGroups() {
    return SETSID.isPresent();
  }

  /** {@code setsid}, if this host has it. */
  static Optional<Path> setsid() {
    return SETSID;
  }

  /** Whether {@code /bin/sh} exists, without which nothing can run. */
  static boolean shellAvailable() {
    return Files.isExecutable(SHELL);
  }

  static Optional<Path> findExecutable(String name) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
