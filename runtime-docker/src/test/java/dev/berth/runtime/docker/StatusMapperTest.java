package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusMapperTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @TempDir
  Path scopeDir;

  private BotStatus map(String started, String finished, int exitCode) throws Exception {
    String inspect = ("{'Id':'c1','RestartCount':0,'Config':{'Labels':{}},'State':{'Status':'exited',"
        + "'ExitCode':" + exitCode + ",'OOMKilled':false,'StartedAt':'" + started + "','FinishedAt':'"
        + finished + "'}}").replace('\'', '"');
    return new StatusMapper(new BotFiles(scopeDir, "bots"))
        .map("b1", JSON.readValue(inspect, InspectContainerResponse.class));
  }

  @Test
  void aWorkloadThatExitsAtOnceNeverFinishesBeforeItStarted() throws Exception {
    // Docker stamped this one as finished 3.5 ms before it stamped it as started.
    BotStatus status = map("2026-11-23T18:00:00.0050000Z", "2026-11-23T18:00:00.0015000Z", 0);
    assertThat(status.state()).isEqualTo(BotState.STOPPED);
    assertThat(status.startedAt()).contains(Instant.parse("2026-11-23T18:00:00.005Z"));
    assertThat(status.finishedAt()).contains(Instant.parse("2026-11-23T18:00:00.005Z"));
  }

  @Test
  void ordinaryTimesPassThrough() throws Exception {
    BotStatus status = map("2026-11-23T18:00:00Z", "2026-11-23T18:00:07.25Z", 3);
    assertThat(status.state()).isEqualTo(BotState.FAILED);
    assertThat(status.exitCode()).hasValue(3);
    assertThat(status.finishedAt()).contains(Instant.parse("2026-11-23T18:00:07.25Z"));
  }
}
