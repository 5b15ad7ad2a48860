package dev.berth.runtime.apple;

import java.util.Optional;

/** Turns an exit code into the sentence a developer needs when a workload failed. */
final class Exits {
  private Exits() {}

  static String describe(int code, Optional<String> lastError) {
    StringBuilder text = new StringBuilder("exited with code ").append(code);
    if (code == 127) {
      text.append(" (command not found: check the command and the image's PATH)");
    } else if (code == 126) {
      text.append(" (command not executable: check its permissions)");
    } else if (code == 137) {
      text.append(" (killed by SIGKILL, e.g. out of memory in its VM)");
    } else if (code == 143) {
      text.append(" (terminated by SIGTERM)");
    } else if (code > 128 && code < 160) {
      text.append(" (killed by signal ").append(code - 128).append(')');
    }
    lastError.ifPresent(line -> text.append("; last stderr line: ").append(line));
    return text.toString();
  }
}
