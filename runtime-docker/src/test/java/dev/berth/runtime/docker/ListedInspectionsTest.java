package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListedInspectionsTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Instant NOW = Instant.parse("2026-11-23T18:00:00Z");
  private static final Duration SETTLED = ListedInspections.SETTLED;

  private static InspectContainerResponse inspected(String state, int exitCode, Instant started, Instant finished)
      throws Exception {
    String json = ("{'Id':'c1','RestartCount':0,'Config':{'Labels':{}},'State':{'Status':'" + state + "',"
        + "'ExitCode':" + exitCode + ",'OOMKilled':false,'StartedAt':'" + started + "','FinishedAt':'"
        + finished + "'}}").replace('\'', '"');
    return JSON.readValue(json, InspectContainerResponse.class);
  }

  private static Container listed(String state, String status) throws Exception {
    String json = ("{'Id':'c1','State':'" + state + "','Status':'" + status + "','Labels':{}}").replace('\'', '"');
    return JSON.readValue(json, Container.class);
  }

  private static InspectContainerResponse running(Duration ago) throws Exception {
    return inspected("running", 0, NOW.minus(ago), Instant.parse("0001-01-01T00:00:00Z"));
  }

  private static InspectContainerResponse exited(int code, Duration ago) throws Exception {
    return inspected("exited", code, NOW.minus(ago).minusSeconds(60), NOW.minus(ago));
  }

  @Test
  void aSettledContainerWhoseListedAgeFitsItsInspectionIsNotInspectedAgain() throws Exception {
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(7)), listed("running", "Up 7 minutes"), NOW,
        SETTLED)).isTrue();
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(100)),
        listed("running", "Up 2 hours (healthy)"), NOW, SETTLED)).isTrue();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofMinutes(4)),
        listed("exited", "Exited (3) 4 minutes ago"), NOW, SETTLED)).isTrue();
  }

  @Test
  void aContainerYoungerThanTwoMinutesIsInspectedOnEveryList() throws Exception {
    // Two runs a few seconds apart can both read "Up 1 second" or "About a minute": only an inspect tells them apart.
    assertThat(ListedInspections.stillTrue(running(Duration.ofSeconds(1)), listed("running", "Up 1 second"), NOW,
        SETTLED)).isFalse();
    assertThat(ListedInspections.stillTrue(running(Duration.ofSeconds(90)), listed("running", "Up About a minute"),
        NOW, SETTLED)).isFalse();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofSeconds(4)),
        listed("exited", "Exited (3) 4 seconds ago"), NOW, SETTLED)).isFalse();
  }

  @Test
  void aContainerRestartedSinceItsInspectionIsInspectedAgain() throws Exception {
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(7)), listed("running", "Up 3 seconds"), NOW,
        Duration.ZERO)).isFalse();
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(20)), listed("running", "Up 7 minutes"), NOW,
        Duration.ZERO)).isFalse();
  }

  @Test
  void anyChangeOfStateOrExitCodeOrExitTimeIsInspectedAgain() throws Exception {
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(5)),
        listed("exited", "Exited (0) 1 second ago"), NOW, Duration.ZERO)).isFalse();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofMinutes(4)),
        listed("exited", "Exited (137) 4 minutes ago"), NOW, Duration.ZERO)).isFalse();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofMinutes(40)),
        listed("exited", "Exited (3) 4 minutes ago"), NOW, Duration.ZERO)).isFalse();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofMinutes(4)),
        listed("restarting", "Restarting (3) 1 second ago"), NOW, Duration.ZERO)).isFalse();
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(5)), listed("running", "Up ???"), NOW,
        Duration.ZERO)).isFalse();
  }

  @Test
  void anInspectionIsReusedOnlyWhileTheListShowsExactlyWhatItShowedThen() throws Exception {
    ListedInspections inspections = new ListedInspections();
    InspectContainerResponse first = running(Duration.ofMinutes(5));
    Container container = listed("running", "Up 5 minutes");
    assertThat(inspections.reusable(container, NOW)).isEmpty();
    inspections.remember(container, first);
    assertThat(inspections.reusable(container, NOW)).containsSame(first);
    assertThat(inspections.reusable(listed("running", "Up 6 minutes"), NOW.plusSeconds(60)))
        .as("another text: inspected again, even though the start fits").isEmpty();
    inspections.retainOnly(Set.of());
    assertThat(inspections.reusable(container, NOW)).isEmpty();
  }

  @Test
  void dockersRoundedAgesAreReadAsTheirShortestAndLongestMeaning() {
    assertThat(ListedInspections.mostOf("1 second")).contains(Duration.ofSeconds(2));
    assertThat(ListedInspections.mostOf("About a minute")).contains(Duration.ofMinutes(2));
    assertThat(ListedInspections.mostOf("3 hours")).contains(Duration.ofMinutes(210));
    assertThat(ListedInspections.mostOf("2 weeks")).contains(Duration.ofDays(21));
    assertThat(ListedInspections.mostOf("soon")).isEmpty();
    assertThat(ListedInspections.leastOf("Less than a second")).contains(Duration.ZERO);
    assertThat(ListedInspections.leastOf("About a minute")).contains(Duration.ofMinutes(1));
    assertThat(ListedInspections.leastOf("2 minutes")).contains(Duration.ofMinutes(2));
    assertThat(ListedInspections.leastOf("3 hours")).contains(Duration.ofMinutes(150));
    assertThat(ListedInspections.leastOf("soon")).isEmpty();
  }
}
