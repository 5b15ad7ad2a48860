package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.WorkloadKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Choosing one container per bot while an update has the old and the new one side by side. */
class ContainersTest {
  private final Containers containers = new Containers(null, "s", WorkloadKind.BOT);

  private static ContainerInfo container(String name, String botId, ContainerInfo.State state) {
    return new ContainerInfo(name, "busybox", Map.of(Names.ID, botId), state, Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  @Test
  void aBotMidUpdateIsListedOnceAsTheContainerItsRuntimeKnows() {
    ContainerInfo old = container("old-b1", "b1", ContainerInfo.State.RUNNING);
    ContainerInfo next = container("new-b1", "b1", ContainerInfo.State.STOPPED);
    ContainerInfo other = container("c-b2", "b2", ContainerInfo.State.RUNNING);

    assertThat(containers.onePerWorkload(List.of(old, next, other))).containsExactly(old, other);
    containers.remember("b1", "new-b1");
    assertThat(containers.onePerWorkload(List.of(old, next, other))).containsExactly(next, other);
  }

  @Test
  void withoutAKnownNameTheRunningOneIsChosen() {
    ContainerInfo stopped = container("a", "b1", ContainerInfo.State.STOPPED);
    ContainerInfo running = container("b", "b1", ContainerInfo.State.RUNNING);

    assertThat(containers.onePerWorkload(List.of(stopped, running))).containsExactly(running);
    assertThat(containers.onePerWorkload(List.of(running, stopped))).containsExactly(running);
  }
}
