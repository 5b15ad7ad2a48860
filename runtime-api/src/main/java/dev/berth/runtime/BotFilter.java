package dev.berth.runtime;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Selects bots in {@link Runtime#list(BotFilter)}. Every part must match; empty parts match everything.
 * Only bots of the runtime's own scope are ever listed.
 *
 * <pre>{@code
 * runtime.list(BotFilter.builder().label("strategy", "momentum").state(BotState.RUNNING).build());
 * }</pre>
 *
 * @param labels labels a bot must carry with these values
 * @param states states to include; empty for all
 * @param segment the fleet segment (label {@value #SEGMENT_LABEL}) for sharded reconcilers
 */
public record BotFilter(Map<String, String> labels, Set<BotState> states, Optional<String> segment) {
  /** The user label that holds a bot's fleet segment. */
  public static final String SEGMENT_LABEL = "berth.segment";

  /**
   * The user label that holds the hash of the desired spec a fleet reconciler created the bot from; a spec may
   * set it (the reconciler does), every backend stores and reports it like any user label.
   */
  public static final String SPEC_HASH_LABEL = "berth.spec-hash";

  /** Matches every bot. */
  public static final BotFilter ALL = new BotFilter(Map.of(), Set.of(), Optional.empty());

  public BotFilter {
    labels = Map.copyOf(labels);
    states = states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    Objects.requireNonNull(segment, "segment");
  }

  /** Whether a status passes the filter. */
  public boolean matches(BotStatus status) {
    if (!states.isEmpty() && !states.contains(status.state())) {
      return false;
    }
    if (segment.isPresent() && !segment.get().equals(status.labels().get(SEGMENT_LABEL))) {
      return false;
    }
    return status.labels().entrySet().containsAll(labels.entrySet());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link BotFilter}. */
  public static final class Builder {
    private final java.util.LinkedHashMap<String, String> labels = new java.util.LinkedHashMap<>();
    private final Set<BotState> states = EnumSet.noneOf(BotState.class);
    private String segment;

    private Builder() {}

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder state(BotState state) {
      states.add(state);
      return this;
    }

    public Builder states(Set<BotState> states) {
      this.states.addAll(states);
      return this;
    }

    public Builder segment(String segment) {
      this.segment = segment;
      return this;
    }

    public BotFilter build() {
      return new BotFilter(labels, states, Optional.ofNullable(segment));
    }
  }
}
