package dev.berth.runtime;

import java.util.Objects;

/**
 * A host path (or named volume on container backends) made visible inside the workload.
 *
 * @param source an absolute host path, or a volume name
 * @param target an absolute path inside the workload
 * @param readOnly whether the workload may write to it
 */
public record Mount(String source, String target, boolean readOnly) {
  public Mount {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Violations violations = new Violations("Mount");
    violations.check(!source.isBlank(), "mounts.source", "is empty; give a host path or volume name")
        .noNul("mounts.source", "", source)
        .noNul("mounts.target", "", target);
    if (!Violations.hasNul(target)) {
      violations.check(target.startsWith("/"), "mounts.target",
          "'" + target + "' is not absolute; give an absolute path inside the workload such as /data");
    }
    violations.throwIfAny();
  }

  public static Mount readOnly(String source, String target) {
    return new Mount(source, target, true);
  }

  public static Mount readWrite(String source, String target) {
    return new Mount(source, target, false);
  }
}
