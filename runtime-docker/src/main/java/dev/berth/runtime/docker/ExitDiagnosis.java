package dev.berth.runtime.docker;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words for an exit code, with the reason where the last log lines tell one. A program missing from the
 * image ends the container with 127 (126 when it is there but cannot run) and a line from whoever tried
 * to start it: the container's init ({@code [FATAL tini (7)] exec python3 failed: No such file or
 * directory}) or a shell ({@code sh: python3: not found}). Bots' statuses and backtests' results use it.
 */
final class ExitDiagnosis {
  /** How many of the last log lines {@link #describeExit} needs to see. */
  static final int LINES = 5;

  private static final Pattern INIT = Pattern.compile(
      "\\[FATAL tini \\(\\d+\\)\\] exec (.+) failed: (No such file or directory|Permission denied)");
  private static final Pattern SHELL = Pattern.compile("^(?:[\\w./-]*sh): (?:line )?(?:\\d+: )?(.+): "
      + "(not found|Permission denied)$");

  private ExitDiagnosis() {}

  /** Whether the log is worth reading to explain {@code exitCode}. */
  static boolean needsLog(int exitCode) {
    return exitCode == 126 || exitCode == 127;
  }

  /**
   * {@code exited with code 3}; for a program the image lacks, e.g. {@code exited with code 127: the image
   * local/busybox:1 has no 'python3' on its PATH ([FATAL tini (7)] exec python3 failed: No such file or
   * directory). Use an image that has python3, or change the command or language to a program the image
   * has.}
   *
   * @param lastLines the workload's last log lines, oldest first (both streams)
   * @param image the image the workload ran
   */
  static String describeExit(int exitCode, List<String> lastLines, String image) {
    String plain = "exited with code " + exitCode;
    return missingProgram(exitCode, lastLines).map(found -> plain + ": " + found.explain(image)).orElse(plain);
  }

  private static Optional<Found> missingProgram(int exitCode, List<String> lastLines) {
    if (!needsLog(exitCode)) {
      return Optional.empty();
    }
    for (int i = lastLines.size() - 1; i >= Math.max(0, lastLines.size() - LINES); i--) {
      String line = lastLines.get(i).strip();
      for (Pattern pattern : List.of(INIT, SHELL)) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          boolean denied = matcher.group(2).equals("Permission denied");
          if ((exitCode == 126) == denied) {
            return Optional.of(new Found(matcher.group(1), denied, line));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A program that could not be started, whether it exists but may not run, and the line that said so. */
  private record Found(String program, boolean denied, String line) {
    String explain(String image) {
      if (denied) {
        return "'" + program + "' in the image " + image + " is not executable (" + line + "). Make it "
            + "executable (chmod +x) or run it through its interpreter.";
      }
      String where = program.contains("/") ? "no file '" + program + "'" : "no '" + program + "' on its PATH";
      return "the image " + image + " has " + where + " (" + line + "). Use an image that has " + program
          + ", or change the command or language to a program the image has.";
    }
  }
}
