package dev.berth.runtime.docker;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.WorkloadSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Docker-specific settings of a spec ({@code options} keys starting with {@code docker.}); keys of
 * other backends are ignored. An unknown {@code docker.*} key or a bad value is rejected with the list of
 * valid keys.
 */
record WorkloadOptions(
    boolean readOnlyRootfs,
    Optional<String> user,
    Optional<Integer> cpuShares,
    Optional<Boolean> init,
    List<String> extraHosts,
    List<String> capAdd,
    Optional<Long> shmSizeBytes) {

  static final String READ_ONLY_ROOTFS = "docker.read-only-rootfs";
  static final String USER = "docker.user";
  static final String CPU_SHARES = "docker.cpu-shares";
  static final String INIT = "docker.init";
  static final String EXTRA_HOSTS = "docker.extra-hosts";
  static final String CAP_ADD = "docker.cap-add";
  static final String SHM_SIZE = "docker.shm-size";
  static final Set<String> KEYS = Set.of(READ_ONLY_ROOTFS, USER, CPU_SHARES, INIT, EXTRA_HOSTS, CAP_ADD, SHM_SIZE);

  static WorkloadOptions of(WorkloadSpec spec) {
    Map<String, String> options = spec.options();
    List<String> problems = new ArrayList<>();
    options.keySet().stream().filter(k -> k.startsWith("docker.") && !KEYS.contains(k)).forEach(k ->
        problems.add("options: '" + k + "' is not a Docker option; use one of " + String.join(", ",
            KEYS.stream().sorted().toList())));
    Optional<Boolean> readOnly = bool(options, READ_ONLY_ROOTFS, problems);
    Optional<Boolean> init = bool(options, INIT, problems);
    Optional<Integer> shares = Optional.ofNullable(options.get(CPU_SHARES)).flatMap(text -> {
      try {
        int value = Integer.parseInt(text.trim());
        if (value >= 2) {
          return Optional.of(value);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problems.add("options: " + CPU_SHARES + " = '" + text + "' is not an integer >= 2; use e.g. 512");
      return Optional.empty();
    });
    Optional<Long> shm = Optional.ofNullable(options.get(SHM_SIZE)).flatMap(text -> {
      try {
        return Optional.of(RuntimeConfig.of(Map.of(SHM_SIZE, text)).getSize(SHM_SIZE, 0));
      } catch (InvalidConfigException e) {
        problems.add("options: " + SHM_SIZE + " = '" + text + "' is not a size; use e.g. 64m");
        return Optional.empty();
      }
    });
    List<String> hosts = list(options.get(EXTRA_HOSTS));
    hosts.stream().filter(h -> h.indexOf(':') <= 0).forEach(h -> problems.add("options: " + EXTRA_HOSTS
        + " entry '" + h + "' is not host:ip; use e.g. host.docker.internal:host-gateway"));
    List<String> caps = list(options.get(CAP_ADD)).stream().map(c -> c.toUpperCase(Locale.ROOT)).toList();
    Optional<String> user = Optional.ofNullable(options.get(USER)).map(String::trim).filter(u -> !u.isEmpty());
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), problems);
    }
    return new WorkloadOptions(readOnly.orElse(false), user, shares, init, hosts, caps, shm);
  }

  private static Optional<Boolean> bool(Map<String, String> options, String key, List<String> problems) {
    String text = options.get(key);
    if (text == null) {
      return Optional.empty();
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "1":
        return Optional.of(true);
      case "false": case "no": case "0":
        return Optional.of(false);
      default:
        problems.add("options: " + key + " = '" + text + "' is not true or false");
        return Optional.empty();
    }
  }

  private static List<String> list(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
