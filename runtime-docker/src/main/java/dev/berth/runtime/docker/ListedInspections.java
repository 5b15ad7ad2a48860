package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inspections {@code list} reuses. A list response carries a container's id, labels and state but not
 * its start and finish times, restart count or OOM flag, so a fleet-sized {@code list} would otherwise
 * inspect every container. An earlier inspection is reused only while the list response says nothing
 * happened since: the same state, the same exit code, and an uptime (or time since exit) that Docker's
 * rounded "Up 5 minutes" / "Exited (3) 2 seconds ago" text allows for the start (or finish) inspected.
 * Any transition changes one of them (a restart resets the uptime), so a list never reports a state older
 * than the list call; only a restart and exit of the same container within about two seconds could pass
 * unseen until the next transition. Restarting, paused, removing and dead containers are inspected always.
 */
final class ListedInspections {
  private static final Pattern UP = Pattern.compile("^Up (.+?)(?: \\(.*\\))?$");
  private static final Pattern EXITED = Pattern.compile("^Exited \\((-?\\d+)\\) (.+) ago$");
  private static final Pattern COUNT = Pattern.compile("^(\\d+) (second|minute|hour|day|week|month|year)s?$");
  /** Docker rounds to whole seconds and may run on a clock a little off this one. */
  private static final Duration SLACK = Duration.ofSeconds(2);
  private static final int MOST_REMEMBERED = 20_000;

  private final Map<String, InspectContainerResponse> inspected = new ConcurrentHashMap<>();

  /**
   * The inspection of a listed container: the earlier one when the list response agrees with it, else a new
   * one from {@code inspect} (which may throw, e.g. when the container is gone meanwhile).
   */
  InspectContainerResponse of(Container listed, Instant now, Function<String, InspectContainerResponse> inspect) {
    InspectContainerResponse earlier = inspected.get(listed.getId());
    if (earlier != null && stillTrue(earlier, listed, now)) {
      return earlier;
    }
    InspectContainerResponse fresh = inspect.apply(listed.getId());
    if (inspected.size() >= MOST_REMEMBERED) { // only filtered lists ran, so nothing was forgotten
      inspected.clear();
    }
    inspected.put(listed.getId(), fresh);
    return fresh;
  }

  /** Forgets containers that were not listed, so the map holds at most the scope's containers. */
  void retainOnly(Set<String> listedIds) {
    inspected.keySet().retainAll(listedIds);
  }

  static boolean stillTrue(InspectContainerResponse earlier, Container listed, Instant now) {
    InspectContainerResponse.ContainerState state = earlier.getState();
    String listedState = String.valueOf(listed.getState());
    if (state == null || !listedState.equals(state.getStatus())) {
      return false;
    }
    String text = String.valueOf(listed.getStatus());
    switch (listedState) {
      case "created":
        return true;
      case "running": {
        Matcher up = UP.matcher(text);
        return up.matches() && within(StatusMapper.instant(state.getStartedAt()), up.group(1), now);
      }
      case "exited": {
        Matcher exited = EXITED.matcher(text);
        return exited.matches() && state.getExitCodeLong() != null
            && Objects.equals(Long.valueOf(exited.group(1)), state.getExitCodeLong())
            && within(StatusMapper.instant(state.getFinishedAt()), exited.group(2), now);
      }
      default:
        return false;
    }
  }

  /** Whether an event at {@code inspected} is no longer ago than Docker's rounded {@code age} allows. */
  private static boolean within(Optional<Instant> inspected, String age, Instant now) {
    Optional<Duration> most = mostOf(age);
    return inspected.isPresent() && most.isPresent()
        && Duration.between(inspected.get(), now).compareTo(most.get().plus(SLACK)) <= 0;
  }

  /** The longest duration Docker prints as {@code age} (its units.HumanDuration), or empty if unknown. */
  static Optional<Duration> mostOf(String age) {
    switch (age) {
      case "Less than a second":
        return Optional.of(Duration.ofSeconds(1));
      case "About a minute":
        return Optional.of(Duration.ofMinutes(2));
      case "About an hour":
        return Optional.of(Duration.ofMinutes(90));
      default:
        break;
    }
    Matcher count = COUNT.matcher(age);
    if (!count.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(count.group(1));
    switch (count.group(2)) {
      case "second":
        return Optional.of(Duration.ofSeconds(n + 1));
      case "minute":
        return Optional.of(Duration.ofMinutes(n + 1));
      case "hour":
        return Optional.of(Duration.ofMinutes(n * 60 + 30));
      case "day":
        return Optional.of(Duration.ofDays(n + 1));
      case "week":
        return Optional.of(Duration.ofDays(7 * (n + 1)));
      case "month":
        return Optional.of(Duration.ofDays(30 * (n + 1)));
      default:
        return Optional.of(Duration.ofDays(366 * (n + 1)));
    }
  }
}
