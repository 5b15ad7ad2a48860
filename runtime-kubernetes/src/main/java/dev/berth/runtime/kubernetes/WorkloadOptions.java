package dev.berth.runtime.kubernetes;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Kubernetes settings of one spec ({@code options} keys starting with {@code kubernetes.}); other backends'
 * keys are ignored, an unknown {@code kubernetes.*} key or a bad value is rejected with the valid keys.
 *
 * @param secretEnv names of env variables kept in the workload's Secret instead of the pod spec
 * @param runAsNonRoot overrides {@code kubernetes.run-as-non-root} for this workload
 * @param runAsUser the user id the containers run as
 */
record WorkloadOptions(Set<String> secretEnv, Optional<Boolean> runAsNonRoot, Optional<Long> runAsUser) {
  static final String SECRET_ENV = "kubernetes.secret-env";
  static final String RUN_AS_NON_ROOT = "kubernetes.run-as-non-root";
  static final String RUN_AS_USER = "kubernetes.run-as-user";
  static final Set<String> KEYS = Set.of(SECRET_ENV, RUN_AS_NON_ROOT, RUN_AS_USER);

  static WorkloadOptions of(WorkloadSpec spec) {
    Map<String, String> options = spec.options();
    List<String> problems = new ArrayList<>();
    options.keySet().stream().filter(k -> k.startsWith("kubernetes.") && !KEYS.contains(k)).forEach(k ->
        problems.add("options: '" + k + "' is not a Kubernetes option; use one of "
            + String.join(", ", KEYS.stream().sorted().toList())));
    Set<String> secretEnv = Set.copyOf(KubernetesSettings.list(options.getOrDefault(SECRET_ENV, "")));
    secretEnv.stream().filter(name -> !spec.env().containsKey(name)).sorted().forEach(name -> problems.add(
        "options: " + SECRET_ENV + " names '" + name + "', which is not in env; set env " + name + " or remove it"));
    Optional<Boolean> nonRoot = Optional.empty();
    String text = options.get(RUN_AS_NON_ROOT);
    if (text != null) {
      String value = text.trim().toLowerCase(Locale.ROOT);
      if (value.equals("true") || value.equals("false")) {
        nonRoot = Optional.of(Boolean.parseBoolean(value));
      } else {
        problems.add("options: " + RUN_AS_NON_ROOT + " = '" + text + "' is not true or false");
      }
    }
    Optional<Long> user = Optional.empty();
    String uid = options.get(RUN_AS_USER);
    if (uid != null) {
      try {
        user = Optional.of(Long.parseLong(uid.trim())).filter(u -> u >= 0);
      } catch (NumberFormatException e) {
        user = Optional.empty();
      }
      if (user.isEmpty()) {
        problems.add("options: " + RUN_AS_USER + " = '" + uid + "' is not a user id; use e.g. 65534");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), problems);
    }
    return new WorkloadOptions(secretEnv, nonRoot, user);
  }
}
