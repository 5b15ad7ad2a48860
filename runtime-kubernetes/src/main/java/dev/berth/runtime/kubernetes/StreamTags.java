package dev.berth.runtime.kubernetes;

import dev.berth.runtime.LogLine;
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
  static final String SCRIPT = "d=" + RUN_DIR + "; f=\"$d/stderr.$$\"\n"
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
      + "(sleep 3; kill -s KILL \"$t\") </dev/null >/dev/null 2>&1 &\n"
      + "k=$!\n"
      + "wait \"$t\" 2>/dev/null\n"
      + "kill \"$k\" 2>/dev/null\n"
      + "rm -f \"$d/pid.$$\" \"$d/code.$$\"\n"
      + "exit \"${s:-137}\"\n";

  private StreamTags() {}

  /** The container's argv: the script, then the program; an empty command (the image's own) stays empty. */
  static List<String> wrap(List<String> command) {
    if (command.isEmpty()) {
      return command;
    }
    List<String> argv = new ArrayList<>(command.size() + 4);
    argv.addAll(List.of("/bin/sh", "-c", SCRIPT, NAME));
    argv.addAll(command);
    return argv;
  }

  /** A line as the workload wrote it: a marked text is a stderr line without its mark. */
  static LogLine line(java.time.Instant timestamp, String text) {
    if (!text.isEmpty() && text.charAt(0) == MARK) {
      return LogLine.stderr(timestamp, text.substring(1));
    }
    return LogLine.stdout(timestamp, text);
  }
}
