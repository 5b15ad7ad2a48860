package dev.berth.runtime.apple;

import java.util.ArrayList;
import java.util.List;

/**
 * The generated entrypoint every container runs: a fixed {@code /bin/sh} script that starts the workload and
 * keeps what Apple's CLI forgets.
 *
 * <p>Why: the CLI keeps no exit code once a container stops, has no log timestamps and merges stdout and
 * stderr. So the script, with the container's state directory (a host directory bind-mounted at
 * {@value #STATE_DIR}) as {@code $1} and the workload's argv after it:
 * <ul>
 *   <li>counts the run in {@code runs} and starts the workload in a session of its own (when {@code setsid}
 *       exists), its pid in {@code pid};
 *   <li>tags every output line with {@code awk}: {@code <epoch seconds> <run><O|E><line number> <text>}, so
 *       Berth can tell the streams apart, date lines and detect a line a reader missed; at the end each tagger
 *       writes its line count to {@code count-O} / {@code count-E}, so a follow knows when it has them all
 *       (without {@code awk} the output passes through untagged). Each tagged line leaves in one write: both
 *       taggers share the container's output, and {@code mawk -W interactive} (needed so it reads line by line)
 *       writes every piece of a {@code printf} format separately, which interleaves the two streams;
 *   <li>forwards SIGTERM, SIGINT and SIGHUP to the workload (a shell waiting in the foreground would defer
 *       them until the workload ended), the taggers ignoring them so no line is lost;
 *   <li>once the workload's own process has exited, kills what it left in its session (as an engine does when
 *       a container's main process ends), gives the taggers up to three seconds to drain, then writes the exit
 *       code to {@code exit}, atomically: the file's time is the finish time Berth reports.
 * </ul>
 * A SIGKILL (a stop's grace ran out) leaves no {@code exit}: Berth then knows the run was killed. The script
 * text is a constant; user data only arrives as positional parameters, never interpolated.
 */
final class Wrapper {
  /**
   * Where the state directory is mounted in every container: a directory of its own at the root, which no
   * tmpfs an image or the VM's init mounts (such as on {@code /run}) can hide.
   */
  static final String STATE_DIR = "/berth";
  /** The shell every Berth container starts with. */
  static final String SHELL = "/bin/sh";
  /** The wrapper's {@code $0}, as {@code ps} in the container shows it. */
  static final String NAME = "berth-wrapper";

  static final String SCRIPT = """
      s=$1; shift
      r=0; [ -f "$s/runs" ] && read -r r < "$s/runs"; case $r in ''|*[!0-9]*) r=0;; esac; r=$((r+1))
      echo "$r" > "$s/runs"
      rm -f "$s/exit" "$s/code" "$s/pid" "$s/count-O" "$s/count-E"
      w=$$
      fwd() { i=0; while [ ! -s "$s/pid" ] && [ "$i" -lt 50 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); \
      done; p=; [ -f "$s/pid" ] && read -r p < "$s/pid"; case $p in ''|*[!0-9]*) ;; *) kill -s "$1" "$p" \
      2>/dev/null;; esac; }
      trap 'fwd TERM' TERM
      trap 'fwd INT' INT
      trap 'fwd HUP' HUP
      trap : USR1
      g=; command -v setsid >/dev/null 2>&1 && g=setsid
      t=; command -v awk >/dev/null 2>&1 && t=1
      m=; case $(awk -W version 2>&1 </dev/null) in *mawk*) m=interactive;; esac
      a='{ srand(); t = srand(); printf "%s", sprintf("%d %d%s%d %s\\n", t, r, k, NR, $0); fflush() } \
      END { printf "%d\\n", NR > f }'
      { { ($g /bin/sh -c 'echo $$ > "$0/pid"; exec "$@"' "$s" "$@"; echo $? > "$s/code"; p=; \
      [ -f "$s/pid" ] && read -r p < "$s/pid"; case $p in ''|*[!0-9]*) ;; *) [ -n "$g" ] && \
      kill -s KILL -- "-$p" 2>/dev/null;; esac; /bin/sh -c 'while kill -s USR1 "$0" 2>/dev/null && \
      [ ! -e "$1/exit" ]; do sleep 1; done' "$w" "$s" </dev/null >/dev/null 2>&1 &) 2>&4 4>&- 5>&- \
      | (trap '' TERM INT HUP; [ -n "$t" ] || exec cat; exec awk ${m:+-W "$m"} -v r="$r" -v k=O \
      -v f="$s/count-O" "$a") >&5 5>&- 4>&-; } 4>&1 \
      | (trap '' TERM INT HUP; [ -n "$t" ] || exec cat; exec awk ${m:+-W "$m"} -v r="$r" -v k=E \
      -v f="$s/count-E" "$a"); } 5>&1 &
      j=$!
      while kill -0 "$j" 2>/dev/null && [ ! -e "$s/code" ]; do wait "$j"; done
      i=0
      while kill -0 "$j" 2>/dev/null && [ "$i" -lt 30 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done
      c=; [ -f "$s/code" ] && read -r c < "$s/code"
      case $c in ''|*[!0-9]*) exit 137;; esac
      echo "$c" > "$s/exit.tmp" && mv -f "$s/exit.tmp" "$s/exit"
      exit "$c"
      """;

  private Wrapper() {}

  /** The arguments after the image: {@code -c <script> berth-wrapper /berth <workload argv...>}. */
  static List<String> arguments(List<String> workload) {
    List<String> args = new ArrayList<>(workload.size() + 4);
    args.add("-c");
    args.add(SCRIPT);
    args.add(NAME);
    args.add(STATE_DIR);
    args.addAll(workload);
    return args;
  }
}
