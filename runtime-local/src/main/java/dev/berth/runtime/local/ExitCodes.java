package dev.berth.runtime.local;

import java.util.Optional;
import java.util.OptionalInt;

/** Turns an exit code into the sentence a developer needs when a bot failed. */
final class ExitCodes {
  private ExitCodes() {}

  static String describe(OptionalInt code, boolean oomKilled, Optional<String> lastError) {
    StringBuilder text = new StringBuilder();
    if (code.isEmpty()) {
      text.append("the process ended without recording an exit code (killed with SIGKILL together with its "
          + "supervisor, or the host restarted)");
    } else {
      int exit = code.getAsInt();
      text.append("exited with code ").append(exit);
      if (oomKilled) {
        text.append(" (killed for exceeding its memory limit)");
      } else if (exit == 127) {
        text.append(" (command not found: check the command and PATH)");
      } else if (exit == 126) {
        text.append(" (command not executable: check its permissions)");
      } else if (exit == 137) {
        text.append(" (killed by SIGKILL)");
      } else if (exit == 143) {
        text.append(" (terminated by SIGTERM)");
      } else if (exit > 128 && exit < 160) {
        text.append(" (killed by signal ").append(exit - 128).append(')');
      }
    }
    lastError.ifPresent(line -> text.append("; last stderr line: ").append(line));
    return text.toString();
  }
}
