package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListedInspectionsTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Instant NOW = Instant.parse("2026-11-23T18:00:00Z");

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
  void aRunningContainerWhoseUptimeFitsItsStartIsNotInspectedAgain() throws Exception {
    assertThat(ListedInspections.stillTrue(running(Duration.ofSeconds(5)), listed("running", "Up 5 seconds"), NOW))
        .isTrue();
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(7)), listed("running", "Up 7 minutes"), NOW))
        .isTrue();
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(100)),
        listed("running", "Up 2 hours (healthy)"), NOW)).isTrue();
  }

  @Test
  void aContainerRestartedSinceItsInspectionIsInspectedAgain() throws Exception {
    assertThat(ListedInspections.stillTrue(running(Duration.ofMinutes(7)), listed("running", "Up 3 seconds"), NOW))
        .isFalse();
    assertThat(ListedInspections.stillTrue(running(Duration.ofSeconds(10)),
        listed("running", "Up Less than a second"), NOW)).isFalse();
  }

  @Test
  void anyChangeOfStateOrExitCodeOrExitTimeIsInspectedAgain() throws Exception {
    assertThat(ListedInspections.stillTrue(running(Duration.ofSeconds(5)),
        listed("exited", "Exited (0) 1 second ago"), NOW)).isFalse();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofSeconds(4)),
        listed("exited", "Exited (3) 4 seconds ago"), NOW)).isTrue();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofSeconds(4)),
        listed("exited", "Exited (137) 4 seconds ago"), NOW)).isFalse();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofMinutes(4)),
        listed("exited", "Exited (3) 2 seconds ago"), NOW)).isFalse();
    assertThat(ListedInspections.stillTrue(exited(3, Duration.ofSeconds(4)),
        listed("restarting", "Restarting (3) 1 second ago"), NOW)).isFalse();
    assertThat(ListedInspections.stillTrue(running(Duration.ofSeconds(5)), listed("running", "Up ???"), NOW))
        .isFalse();
  }

  @Test
  void aListAgreeingWithTheLastInspectionCallsNoInspect() throws Exception {
    ListedInspections inspections = new ListedInspections();
    List<String> calls = new ArrayList<>();
    InspectContainerResponse first = running(Duration.ofSeconds(5));
    Container container = listed("running", "Up 5 seconds");
    inspections.of(container, NOW, id -> {
      calls.add(id);
      return first;
    });
    assertThat(inspections.of(container, NOW, id -> {
      calls.add(id);
      return first;
    })).isSameAs(first);
    assertThat(calls).containsExactly("c1");
    inspections.retainOnly(Set.of());
    inspections.of(container, NOW, id -> {
      calls.add(id);
      return first;
    });
    assertThat(calls).containsExactly("c1", "c1");
  }

  @Test
  void dockersRoundedAgesAreReadAsTheirLongestMeaning() {
    assertThat(ListedInspections.mostOf("1 second")).contains(Duration.ofSeconds(2));
    assertThat(ListedInspections.mostOf("About a minute")).contains(Duration.ofMinutes(2));
    assertThat(ListedInspections.mostOf("3 hours")).contains(Duration.ofMinutes(210));
    assertThat(ListedInspections.mostOf("2 weeks")).contains(Duration.ofDays(21));
    assertThat(ListedInspections.mostOf("soon")).isEmpty();
  }
}
