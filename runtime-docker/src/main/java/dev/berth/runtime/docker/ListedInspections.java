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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inspections {@code list} may reuse. A list response carries a container's id, labels, state and a
 * status text ("Up 3 hours", "Exited (137) 5 minutes ago") but not its start and finish times, restart count
 * or OOM flag, so without reuse a fleet-sized {@code list} inspects every container.
 *
 * <p>An earlier inspection is reused only when all of these hold: the list shows exactly the state and status
 * text it showed when that inspection was taken; the start (or finish) it holds fits the age the text gives;
 * and that age is at least {@link #SETTLED}. Docker rounds ages, and a container restarted (or started and
 * exited again) after the inspection shows a younger age than one that was not; below two minutes two
 * different runs could round to the same text and fit, from two minutes on they cannot, so a young container
 * is inspected on every list. Restarting, paused, removing and dead containers are inspected always.
 *
 * <p>The list response is served from a snapshot the engine updates only once it has finished handling a
 * transition, while an inspect waits for that handling: a list concurrent with an exit may still show the
 * container running. Such a list is concurrent with the exit, so either answer is right; the next list shows
 * it. {@link DockerEventManager} delivers an exit only once a list shows it, so a caller that lists on an exit
 * event sees it.
 */
final class ListedInspections {
  /** The age from which a status text cannot be shared by two runs of one container. */
  static final Duration SETTLED = Duration.ofMinutes(2);
  private static final Pattern UP = Pattern.compile("^Up (.+?)(?: \\(.*\\))?$");
  private static final Pattern EXITED = Pattern.compile("^Exited \\((-?\\d+)\\) (.+) ago$");
  private static final Pattern COUNT = Pattern.compile("^(\\d+) (second|minute|hour|day|week|month|year)s?$");
  /** Docker rounds to whole seconds and may run on a clock a little off this one. */
  private static final Duration SLACK = Duration.ofSeconds(2);
  private static final int MOST_REMEMBERED = 20_000;

  private record Seen(String state, String status, InspectContainerResponse inspection) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final Duration settled;

  ListedInspections() {
    this(SETTLED);
  }

  /** With a shorter settling age, for tests that must not wait two minutes; never below zero. */
  ListedInspections(Duration settled) {
    this.settled = settled.isNegative() ? Duration.ZERO : settled;
  }

  /** The earlier inspection of a listed container if the list response says nothing happened since. */
  Optional<InspectContainerResponse> reusable(Container listed, Instant now) {
    Seen earlier = seen.get(listed.getId());
    if (earlier == null || !earlier.state().equals(String.valueOf(listed.getState()))
        || !earlier.status().equals(String.valueOf(listed.getStatus()))) {
      return Optional.empty();
    }
    return stillTrue(earlier.inspection(), listed, now, settled) ? Optional.of(earlier.inspection())
        : Optional.empty();
  }

  /** Remembers an inspection taken after {@code listed} was listed. */
  void remember(Container listed, InspectContainerResponse inspection) {
    if (seen.size() >= MOST_REMEMBERED) { // only filtered lists ran, so nothing was forgotten
      seen.clear();
    }
    seen.put(listed.getId(), new Seen(String.valueOf(listed.getState()), String.valueOf(listed.getStatus()),
        inspection));
  }

  /** Forgets one container, e.g. after an event about it. */
  void forget(String containerId) {
    seen.remove(containerId);
  }

  /** Forgets containers that were not listed, so the map holds at most the scope's containers. */
  void retainOnly(Set<String> listedIds) {
    seen.keySet().retainAll(listedIds);
  }

  static boolean stillTrue(InspectContainerResponse earlier, Container listed, Instant now, Duration settled) {
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
        return up.matches() && settled(up.group(1), settled)
            && within(StatusMapper.instant(state.getStartedAt()), up.group(1), now);
      }
      case "exited": {
        Matcher exited = EXITED.matcher(text);
        return exited.matches() && state.getExitCodeLong() != null
            && Objects.equals(Long.valueOf(exited.group(1)), state.getExitCodeLong())
            && settled(exited.group(2), settled)
            && within(StatusMapper.instant(state.getFinishedAt()), exited.group(2), now);
      }
      default:
        return false;
    }
  }

  private static boolean settled(String age, Duration settled) {
    return leastOf(age).filter(least -> least.compareTo(settled) >= 0).isPresent();
  }

  /** Whether an event at {@code inspected} is no longer ago than Docker's rounded {@code age} allows. */
  private static boolean within(Optional<Instant> inspected, String age, Instant now) {
    Optional<Duration> most = mostOf(age);
    return inspected.isPresent() && most.isPresent()
        && Duration.between(inspected.get(), now).compareTo(most.get().plus(SLACK)) <= 0;
  }

  /** The shortest duration Docker prints as {@code age} (its units.HumanDuration), or empty if unknown. */
  static Optional<Duration> leastOf(String age) {
    switch (age) {
      case "Less than a second":
        return Optional.of(Duration.ZERO);
      case "About a minute":
        return Optional.of(Duration.ofMinutes(1));
      case "About an hour":
        return Optional.of(Duration.ofHours(1));
      default:
        // Docker rounds hours to the nearest one; the rest it truncates.
        return count(age).map(n -> n.unit().equals(Duration.ofHours(1))
            ? Duration.ofMinutes(n.count() * 60 - 30) : n.unit().multipliedBy(n.count()));
    }
  }

  /** The longest duration Docker prints as {@code age}, or empty if unknown. */
  static Optional<Duration> mostOf(String age) {
    switch (age) {
      case "Less than a second":
        return Optional.of(Duration.ofSeconds(1));
      case "About a minute":
        return Optional.of(Duration.ofMinutes(2));
      case "About an hour":
        return Optional.of(Duration.ofMinutes(90));
      default:
        return count(age).map(n -> n.unit().equals(Duration.ofHours(1))
            ? Duration.ofMinutes(n.count() * 60 + 30) : n.unit().multipliedBy(n.count() + 1));
    }
  }

  private record Count(long count, Duration unit) {}

  private static Optional<Count> count(String age) {
    Matcher count = COUNT.matcher(age);
    if (!count.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(count.group(1));
    Duration unit = switch (count.group(2)) {
      case "second" -> Duration.ofSeconds(1);
      case "minute" -> Duration.ofMinutes(1);
      case "hour" -> Duration.ofHours(1);
      case "day" -> Duration.ofDays(1);
      case "week" -> Duration.ofDays(7);
      case "month" -> Duration.ofDays(30);
      default -> Duration.ofDays(366);
    };
    return Optional.of(new Count(n, unit));
  }
}
