package dev.berth.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Changes to apply to an existing bot with {@link Runtime#update(String, BotUpdate)}. Which changes a
 * backend applies in place and which recreate the workload is the backend's decision, documented with it
 * (typically: resources and restart policy in place; image, env or config by recreating, after which the bot
 * keeps its id and, if it was running, runs again).
 *
 * <pre>{@code
 * runtime.update("momentum-btc", BotUpdate.builder().resources(Resources.builder().memory("1g").build()).build());
 * }</pre>
 */
public record BotUpdate(
    Optional<String> image,
    Optional<Map<String, String>> env,
    Optional<String> config,
    Optional<Resources> resources,
    Optional<RestartPolicy> restartPolicy) {

  public BotUpdate {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(restartPolicy, "restartPolicy");
    env = env.map(e -> Violations.sortedCopy("env", e));
    Violations violations = new Violations("BotUpdate");
    env.ifPresent(e -> violations.env("env", e));
    config.ifPresent(c -> violations.json("config", c));
    violations.check(image.isEmpty() || !image.get().isBlank(), "image",
        "is blank; give an image reference or leave it unset");
    image.ifPresent(text -> violations.noNul("image", "", text));
    violations.throwIfAny();
  }

  /** True when nothing would change. */
  public boolean isEmpty() {
    return image.isEmpty() && env.isEmpty() && config.isEmpty() && resources.isEmpty()
        && restartPolicy.isEmpty();
  }

  /** The spec with these changes applied; validated like any spec. */
  public BotSpec applyTo(BotSpec spec) {
    BotSpec.Builder builder = spec.toBuilder();
    image.ifPresent(builder::image);
    env.ifPresent(builder::env);
    config.ifPresent(builder::config);
    resources.ifPresent(builder::resources);
    restartPolicy.ifPresent(builder::restartPolicy);
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link BotUpdate}. */
  public static final class Builder {
    private String image;
    private Map<String, String> env;
    private String config;
    private Resources resources;
    private RestartPolicy restartPolicy;

    private Builder() {}

    public Builder image(String image) {
      this.image = image;
      return this;
    }

    /** Replaces the whole environment. */
    public Builder env(Map<String, String> env) {
      this.env = env;
      return this;
    }

    public Builder config(String configJson) {
      this.config = configJson;
      return this;
    }

    public Builder resources(Resources resources) {
      this.resources = resources;
      return this;
    }

    public Builder restartPolicy(RestartPolicy restartPolicy) {
      this.restartPolicy = restartPolicy;
      return this;
    }

    public BotUpdate build() {
      return new BotUpdate(Optional.ofNullable(image), Optional.ofNullable(env), Optional.ofNullable(config),
          Optional.ofNullable(resources), Optional.ofNullable(restartPolicy));
    }
  }
}
