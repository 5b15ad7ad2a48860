package dev.berth.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A spec, update or argument was rejected. Lists every violation, not just the first, so a caller can
 * fix a spec in one round trip.
 *
 * <pre>{@code
 * Invalid BotSpec (2 problems):
 *   - id: 'My_Bot' is not a DNS-1123 label; use lower-case letters, digits and '-' (at most 63 chars)
 *   - resources.memoryBytes: -1 is negative; use 0 for no limit or a positive byte count
 * }</pre>
 */
public class InvalidSpecException extends BerthException {
  private static final long serialVersionUID = 1L;
  // An ArrayList, not a List: exceptions are Serializable and every field must be too.
  private final ArrayList<String> violations;

  /**
   * @param subject what was validated, e.g. {@code "BotSpec"}
   * @param violations one entry per problem, each naming the field and the fix
   */
  public InvalidSpecException(String subject, List<String> violations) {
    super(format(subject, violations));
    this.violations = new ArrayList<>(violations);
  }

  /** Every problem found, each in the form {@code field: what is wrong; how to fix it}. */
  public List<String> violations() {
    return Collections.unmodifiableList(violations);
  }

  private static String format(String subject, List<String> violations) {
    if (violations.size() == 1) {
      return "Invalid " + subject + ": " + violations.get(0);
    }
    StringBuilder sb = new StringBuilder("Invalid ").append(subject)
        .append(" (").append(violations.size()).append(" problems):");
    for (String violation : violations) {
      sb.append(System.lineSeparator()).append("  - ").append(violation);
    }
    return sb.toString();
  }
}
