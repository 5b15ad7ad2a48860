package dev.berth.runtime.apple;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.WorkloadSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Apple-specific settings of a spec ({@code options} keys starting with {@code apple.}); keys of other
 * backends are ignored, an unknown {@code apple.*} key or a bad value is rejected with the valid keys.
 *
 * @param user {@code apple.user}: the user the workload runs as ({@code name|uid[:gid]})
 * @param readOnlyRootfs {@code apple.read-only-rootfs}: mount the image's root file system read-only
 * @param capAdd {@code apple.cap-add}: capabilities to add, comma-separated
 * @param capDrop {@code apple.cap-drop}: capabilities to drop, comma-separated ({@code ALL} for all)
 */
record WorkloadOptions(Optional<String> user, boolean readOnlyRootfs, List<String> capAdd, List<String> capDrop) {
  static final String USER = "apple.user";
  static final String READ_ONLY_ROOTFS = "apple.read-only-rootfs";
  static final String CAP_ADD = "apple.cap-add";
  static final String CAP_DROP = "apple.cap-drop";
  static final Set<String> KEYS = Set.of(USER, READ_ONLY_ROOTFS, CAP_ADD, CAP_DROP);

  static final WorkloadOptions NONE = new WorkloadOptions(Optional.empty(), false, List.of(), List.of());

  WorkloadOptions {
    capAdd = List.copyOf(capAdd);
    capDrop = List.copyOf(capDrop);
  }

  static WorkloadOptions of(WorkloadSpec spec) {
    Map<String, String> options = spec.options();
    List<String> problems = new ArrayList<>();
    options.keySet().stream().filter(k -> k.startsWith("apple.") && !KEYS.contains(k)).sorted().forEach(k ->
        problems.add("options: '" + k + "' is not an Apple option; use one of " + String.join(", ",
            KEYS.stream().sorted().toList())));
    boolean readOnly = false;
    String text = options.get(READ_ONLY_ROOTFS);
    if (text != null) {
      switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true": case "yes": case "1":
          readOnly = true;
          break;
        case "false": case "no": case "0":
          break;
        default:
          problems.add("options: " + READ_ONLY_ROOTFS + " = '" + text + "' is not true or false");
      }
    }
    Optional<String> user = Optional.ofNullable(options.get(USER)).map(String::trim).filter(u -> !u.isEmpty());
    user.filter(u -> u.startsWith("-")).ifPresent(u -> problems.add("options: " + USER + " = '" + u
        + "' starts with '-'; give a user name or uid[:gid]"));
    List<String> add = capabilities(options.get(CAP_ADD), CAP_ADD, problems);
    List<String> drop = capabilities(options.get(CAP_DROP), CAP_DROP, problems);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), problems);
    }
    return new WorkloadOptions(user, readOnly, add, drop);
  }

  private static List<String> capabilities(String text, String key, List<String> problems) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    List<String> caps = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> s.toUpperCase(Locale.ROOT)).toList();
    caps.stream().filter(c -> !c.matches("[A-Z_]+")).forEach(c -> problems.add("options: " + key + " names '" + c
        + "', which is not a capability name such as CAP_NET_RAW or ALL"));
    return caps;
  }
}
