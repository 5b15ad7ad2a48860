package dev.berth.runtime.kubernetes;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.RestartPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps stdout and stderr apart through the pod log endpoint, which merges them: the main container runs its
 * program under a small constant {@code /bin/sh} script that marks every stderr line with a leading
 * {@value #MARK_NAME} character ({@code \036}, ASCII record separator), which Berth strips when it reads the log.
 *
 * <p>The script makes a FIFO in an {@code emptyDir} of its own ({@value #RUN_DIR}), runs the program with stderr
 * into it (the program's pid and, once it ends, its exit code in files beside it, so neither depends on how a
 * shell's {@code wait} reports a signal that interrupts it) and copies each line out with the mark ({@code awk} when the image has it, the shell's {@code read}
 * otherwise), forwards SIGTERM, SIGINT and SIGHUP to the program, and exits with the program's exit code once
 * every stderr line is out (at most three seconds after the program, should a process it left behind hold its
 * stderr open). Should the FIFO not be made, it runs the program unmarked (its stderr then reads as
 * stdout). The program and its arguments only ever arrive as positional parameters.
 *
 * <p>The script also keeps a bot's restart policy inside its pod, where no round trip can be late: a
 * Deployment's pod always restarts its container, so the script writes each run's exit code to a file in the
 * {@code emptyDir} (which outlives the container, not the pod). When the policy allows no further run
 * ({@code never} after one run, {@code on-failure:N} after a success or N restarts, {@code on-failure:0} never
 * stops), the restarted container does not run the program: it waits, doing nothing, until it is stopped, and then
 * exits with the last run's code. So the run's log stays readable as the container's previous one, the pod does not
 * crash-loop, and the kubelet counts exactly one restart more than the program had. Berth tells such a container by
 * the policy ({@link StatusMapper}), reports the run's exit, and scales the bot to 0 when it reads its status. A run
 * the script could not see end (the whole container killed) is not counted, and a bot without a command (the
 * image's own entrypoint) is not wrapped; for those the policy is kept by the status read alone. An image without
 * {@code sleep} gets an exit instead of the wait.
 */
final class StreamTags {
  /** The character that marks a stderr line. */
  static final char MARK = '\u001e';
  static final String MARK_NAME = "RS";
  /** Where the FIFO lives: an emptyDir in memory, so a read-only root filesystem is no obstacle. */
  static final String RUN_DIR = "/berth/run";
  static final String RUN_VOLUME = "berth-run";
  /** The wrapper's {@code $0}, as {@code ps} in the container shows it. */
  static final String NAME = "berth-streams";

  /**
   * Constant text. {@code awk} writes each marked line in one write ({@code mawk} needs {@code -W interactive}
   * to read line by line, and then writes the pieces of a {@code printf} format one by one).
   */
  static final String SCRIPT = "r=$1; shift; d=" + RUN_DIR + "; f=\"$d/stderr.$$\"; g=\"$d/exits\"\n"
      + "if [ -s \"$g\" ]; then n=0; l=0; while IFS= read -r x; do n=$((n+1)); l=$x; done < \"$g\"; e=\n"
      + " case $r in never) e=1;; on-failure:*) m=${r#on-failure:}\n"
      + "  { [ \"$l\" = 0 ] || { [ \"$m\" -gt 0 ] && [ \"$n\" -gt \"$m\" ]; }; } && e=1;; esac\n"
      + " if [ -n \"$e\" ]; then command -v sleep >/dev/null 2>&1 || exit \"$l\"\n"
      + "  trap 'kill \"$z\" 2>/dev/null; exit \"$l\"' TERM INT HUP; while :; do sleep 3600 & z=$!; wait \"$z\"; done\n"
      + " fi\n"
      + "fi\n"
      + "mkfifo \"$f\" 2>/dev/null || exec \"$@\"\n"
      + "m=; case $(awk -W version 2>&1 </dev/null) in *mawk*) m=interactive;; esac\n"
      + "(trap '' TERM INT HUP; exec <\"$f\"; rm -f \"$f\"\n"
      + " if command -v awk >/dev/null 2>&1; then\n"
      + "   exec awk ${m:+-W \"$m\"} '{ printf \"%s\", sprintf(\"\\036%s\\n\", $0); fflush() }'\n"
      + " fi\n"
      + " while IFS= read -r l || [ -n \"$l\" ]; do printf '\\036%s\\n' \"$l\"; done) >&2 &\n"
      + "t=$!\n"
      + "{ /bin/sh -c 'echo $$ > \"$1\"; shift; exec \"$@\"' \"$0\" \"$d/pid.$$\" \"$@\" 2>\"$f\"; "
      + "echo $? > \"$d/code.$$\"; } &\n"
      + "c=$!\n"
      + "fwd() { i=0; while [ ! -s \"$d/pid.$$\" ] && [ \"$i\" -lt 50 ]; do sleep 0.1 2>/dev/null || sleep 1; "
      + "i=$((i+1)); done; p=; [ -s \"$d/pid.$$\" ] && read -r p < \"$d/pid.$$\"; "
      + "[ -n \"$p\" ] && kill -s \"$1\" \"$p\" 2>/dev/null; }\n"
      + "trap 'fwd TERM' TERM\n"
      + "trap 'fwd INT' INT\n"
      + "trap 'fwd HUP' HUP\n"
      + "while kill -0 \"$c\" 2>/dev/null; do wait \"$c\"; done\n"
      + "s=; [ -s \"$d/code.$$\" ] && read -r s < \"$d/code.$$\"\n"
      + "[ \"$r\" = always ] || echo \"${s:-137}\" >> \"$g\"\n"
      + "(sleep 3; kill -s KILL \"$t\") </dev/null >/dev/null 2>&1 &\n"
      + "k=$!\n"
      + "wait \"$t\" 2>/dev/null\n"
      + "kill \"$k\" 2>/dev/null\n"
      + "rm -f \"$d/pid.$$\" \"$d/code.$$\"\n"
      + "exit \"${s:-137}\"\n";

  private StreamTags() {}

  /** The restart policy of a workload that runs once per pod (a backtest's Job never restarts its pod). */
  static final String RUN_ALWAYS = "always";

  /**
   * The container's argv: the script, the restart policy as {@link BotManifests#restartPolicy(RestartPolicy)}
   * writes it, then the program; an empty command (the image's own) stays empty.
   */
  static List<String> wrap(List<String> command, String restartPolicy) {
    if (command.isEmpty()) {
      return command;
    }
    List<String> argv = new ArrayList<>(command.size() + 5);
    argv.addAll(List.of("/bin/sh", "-c", SCRIPT, NAME, restartPolicy));
    argv.addAll(command);
    return argv;
  }

  /** The program's argv within a wrapped one (from the script's name on), or {@code argv} itself if not wrapped. */
  static List<String> unwrap(List<String> argv) {
    return argv.size() > 5 && argv.get(3).equals(NAME) ? argv.subList(5, argv.size()) : argv;
  }

  /** A line as the workload wrote it: a marked text is a stderr line without its mark. */
  static LogLine line(java.time.Instant timestamp, String text) {
    if (!text.isEmpty() && text.charAt(0) == MARK) {
      return LogLine.stderr(timestamp, text.substring(1));
    }
    return LogLine.stdout(timestamp, text);
  }
}
