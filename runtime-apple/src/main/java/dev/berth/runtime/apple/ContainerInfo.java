package dev.berth.runtime.apple;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Berth reads from one entry of {@code container ls --format json} or {@code container inspect}, the
 * same for the 1.x and the pre-1.0 output (see {@link ContainerJson}).
 *
 * @param name the container's id, which Apple's CLI also uses as its name
 * @param image the image reference
 * @param labels every label, Berth's and the user's
 * @param state what the CLI reports
 * @param startedAt when the current or last run started, when the CLI says
 * @param address the IPv4 address of the first network attachment, without the prefix length
 * @param gateway the gateway of that attachment
 */
record ContainerInfo(String name, String image, Map<String, String> labels, State state,
    Optional<Instant> startedAt, Optional<String> address, Optional<String> gateway) {

  /** Apple's runtime status: {@code unknown}, {@code stopped}, {@code running}, {@code stopping}. */
  enum State {
    RUNNING, STOPPING, STOPPED, UNKNOWN;

    static State of(String text) {
      switch (text == null ? "" : text) {
        case "running":
          return RUNNING;
        case "stopping":
          return STOPPING;
        case "stopped":
          return STOPPED;
        default:
          return UNKNOWN;
      }
    }
  }

  ContainerInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(gateway, "gateway");
  }

  /** Whether a process may still run in it: running, or being stopped. */
  boolean active() {
    return state == State.RUNNING || state == State.STOPPING;
  }

  /** Whether every entry of {@code selector} is among the labels. */
  boolean hasLabels(Map<String, String> selector) {
    return labels.entrySet().containsAll(selector.entrySet());
  }
}
