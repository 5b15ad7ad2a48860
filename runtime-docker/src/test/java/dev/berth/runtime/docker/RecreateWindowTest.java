package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * While an update recreates a bot, its replacement exists beside the old container with the same labels; list()
 * must still show the bot once (the concurrency kit test saw it twice).
 */
@Tag("docker")
class RecreateWindowTest {
  private final String scope = DockerTestSupport.uniqueScope("recreate-window");
  private final List<String> extraContainers = new ArrayList<>();
  private DockerRuntime runtime;

  @BeforeEach
  void engine() {
    DockerTestSupport.requireEngine();
    runtime = DockerTestSupport.runtime(scope).build();
  }

  @AfterEach
  void cleanUp() {
    extraContainers.forEach(id -> {
      if (DockerTestSupport.containerExists(id)) {
        DockerTestSupport.removeContainer(id);
      }
    });
    runtime.list().forEach(status -> runtime.delete(status.id()));
    runtime.close();
    assertThat(DockerTestSupport.leftovers(scope)).as("containers left in scope %s", scope).isEmpty();
  }

  @Test
  void listShowsABotOnceWhileItsReplacementExists() {
    String id = "window";
    String original = runtime.create(BotSpec.builder(id).image(DockerTestSupport.IMAGE).command("sleep", "1000")
        .build()).runtimeId();
    String replacement = replacementBeside(original);

    List<BotStatus> during = runtime.list();
    assertThat(during).extracting(BotStatus::id).as("ids listed while a replacement exists").containsExactly(id);
    assertThat(during.get(0).runtimeId()).as("the container listed before the old one is removed")
        .isEqualTo(original);

    DockerTestSupport.removeContainer(original);
    List<BotStatus> after = runtime.list();
    assertThat(after).extracting(BotStatus::id).as("ids listed once only the replacement is left")
        .containsExactly(id);
    assertThat(after.get(0).runtimeId()).as("the container listed after the old one was removed")
        .isEqualTo(replacement);
  }

  /** What an update does first: a container with the bot's labels under a temporary {@code -next-} name. */
  private String replacementBeside(String containerId) {
    try (DockerConnection connection = DockerTestSupport.connection()) {
      var inspected = connection.client().inspectContainerCmd(containerId).exec();
      Map<String, String> labels = inspected.getConfig().getLabels();
      String name = inspected.getName().substring(1) + "-next-0123abcd";
      String created = connection.client().createContainerCmd(DockerTestSupport.IMAGE).withName(name)
          .withLabels(labels).withCmd("sleep", "1000").exec().getId();
      extraContainers.add(created);
      return created;
    }
  }
}
