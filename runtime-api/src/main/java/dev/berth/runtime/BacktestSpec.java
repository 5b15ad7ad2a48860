package dev.berth.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A backtest: a workload that runs once, writes a result JSON file and exits. Like {@link BotSpec}
 * without restart policy and ports, plus a timeout and the result path.
 *
 * <pre>{@code
 * BacktestSpec spec = BacktestSpec.builder("bt-2024-q1")
 *     .codeBundle(CodeBundle.stored("momentum/v7.zip"))
 *     .entrypoint("backtest.py")
 *     .config("{\"from\":\"2024-01-01\",\"to\":\"2024-03-31\"}")
 *     .timeout(Duration.ofMinutes(20))
 *     .build();
 * }</pre>
 *
 * @param timeout the backtest is killed and reported TIMED_OUT after this long
 * @param resultPath file the workload writes, relative to its working directory
 * @param keep leave the container/process and files in place after it ends (for debugging)
 */
public record BacktestSpec(
    String id,
    String image,
    List<String> command,
    Optional<CodeBundle> codeBundle,
    Optional<String> entrypoint,
    Optional<String> language,
    Map<String, String> env,
    String config,
    Map<String, String> labels,
    Resources resources,
    NetworkMode networkMode,
    List<Mount> mounts,
    PullPolicy pullPolicy,
    Optional<RegistryCredentials> registryCredentials,
    Map<String, String> options,
    Duration timeout,
    String resultPath,
    boolean keep) implements WorkloadSpec {

  /** The result file name when none is given. */
  public static final String DEFAULT_RESULT_PATH = "result.json";
  /** The timeout when none is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  public BacktestSpec {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(codeBundle, "codeBundle");
    Objects.requireNonNull(entrypoint, "entrypoint");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(networkMode, "networkMode");
    Objects.requireNonNull(pullPolicy, "pullPolicy");
    Objects.requireNonNull(registryCredentials, "registryCredentials");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(resultPath, "resultPath");
    command = Violations.listCopy("command", command);
    env = Violations.sortedCopy("env", env);
    labels = Violations.sortedCopy("labels", labels);
    mounts = Violations.listCopy("mounts", mounts);
    options = Violations.sortedCopy("options", options);
    Violations violations = new Violations("BacktestSpec").workload(id, image, command, codeBundle,
        entrypoint, language, env, config, labels, mounts, options);
    violations.check(!timeout.isNegative() && !timeout.isZero(), "timeout",
            timeout + " is not positive; give a duration such as Duration.ofMinutes(30)")
        .relativePath("resultPath", resultPath)
        .throwIfAny();
  }

  @Override
  public WorkloadKind kind() {
    return WorkloadKind.BACKTEST;
  }

  public static Builder builder(String id) {
    return new Builder(id);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder for {@link BacktestSpec}; see the shared setters in {@link WorkloadSpecBuilder}. */
  public static final class Builder extends WorkloadSpecBuilder<BacktestSpec, Builder> {
    private Duration timeout = DEFAULT_TIMEOUT;
    private String resultPath = DEFAULT_RESULT_PATH;
    private boolean keep;

    private Builder(String id) {
      super(id);
    }

    private Builder(BacktestSpec spec) {
      super(spec);
      timeout = spec.timeout();
      resultPath = spec.resultPath();
      keep = spec.keep();
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder resultPath(String resultPath) {
      this.resultPath = resultPath;
      return this;
    }

    public Builder keep(boolean keep) {
      this.keep = keep;
      return this;
    }

    @Override
    public BacktestSpec build() {
      return new BacktestSpec(id, image, command, Optional.ofNullable(codeBundle),
          Optional.ofNullable(entrypoint), Optional.ofNullable(language), env, config, labels, resources,
          networkMode, mounts, pullPolicy, Optional.ofNullable(registryCredentials), options, timeout,
          resultPath, keep);
    }
  }
}
