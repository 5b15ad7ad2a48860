package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pod logs. The in-process server answers a follow with the content so far and closes, as a real one does when
 * its stream breaks: the follow reconnects from the last line (whole seconds) and drops what it delivered.
 */
class KubernetesLogsTest {
  private static final String SCOPE = "logs";

  private ApiServerFixture api;
  private KubernetesRuntime runtime;
  private String logPath;
  private V1Pod pod;

  @BeforeEach
  void start() throws Exception {
    api = ApiServerFixture.start();
    runtime = api.runtimeBuilder(SCOPE).build();
    runtime.create(BotSpec.builder("b1").image("busybox:1.36").command("true").build());
    pod = api.runningPod(SCOPE, "b1", "10.0.0.9");
    runtime.start("b1");
    logPath = "/api/v1/namespaces/" + ApiServerFixture.NAMESPACE + "/pods/" + pod.getMetadata().getName()
        + "/log?container=bot&timestamps=true";
  }

  @AfterEach
  void stop() {
    runtime.close();
    api.close();
  }

  private static String lines(int from, int to) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i <= to; i++) {
      text.append("2026-01-01T00:00:0").append(i).append(".5Z line ").append(i).append('\n');
    }
    return text.toString();
  }

  @Test
  void readsTailWithTimestamps() {
    api.server().expect().get().withPath(logPath + "&tailLines=2").andReturn(200, lines(3, 4)).once();

    try (Stream<LogLine> lines = runtime.logs("b1", LogOptions.tail(2))) {
      assertThat(lines).extracting(LogLine::text).containsExactly("line 3", "line 4");
    }
  }

  /** Marked lines are stderr; the server's tailLines counts both streams, so a tail of one is cut by Berth. */
  @Test
  void marksGiveEachLineItsStreamAndATailOfOneStreamCountsOnlyThatStream() {
    String log = "2026-01-01T00:00:01.5Z out 1\n"
        + "2026-01-01T00:00:02.5Z " + StreamTags.MARK + "err 1\n"
        + "2026-01-01T00:00:03.5Z " + StreamTags.MARK + "err 2\n"
        + "2026-01-01T00:00:04.5Z out 2\n"
        + "2026-01-01T00:00:05.5Z out 3\n";
    api.server().expect().get().withPath(logPath).andReturn(200, log).always();

    try (Stream<LogLine> lines = runtime.logs("b1", LogOptions.builder().tail(2)
        .stderrOnly().build())) {
      assertThat(lines).extracting(LogLine::stream, LogLine::text).containsExactly(
          tuple(LogStream.STDERR, "err 1"), tuple(LogStream.STDERR, "err 2"));
    }
    try (Stream<LogLine> lines = runtime.logs("b1", LogOptions.builder().tail(1)
        .stdoutOnly().build())) {
      assertThat(lines).extracting(LogLine::stream, LogLine::text).containsExactly(tuple(LogStream.STDOUT, "out 3"));
    }
    try (Stream<LogLine> lines = runtime.logs("b1", LogOptions.DEFAULT)) {
      assertThat(lines).extracting(LogLine::stream).containsExactly(LogStream.STDOUT, LogStream.STDERR,
          LogStream.STDERR, LogStream.STDOUT, LogStream.STDOUT);
    }
  }

  @Test
  void aFollowReconnectsFromItsLastLineDropsDuplicatesAndEndsWhenTheContainerEnds() throws Exception {
    api.server().expect().get().withPath(logPath + "&follow=true").andReturn(200, lines(1, 2)).once();
    api.server().expect().get().withPath(logPath + "&follow=true&sinceTime=2026-01-01T00%3A00%3A02Z")
        .andReturn(200, lines(2, 3)).once();
    api.server().expect().get().withPath(logPath + "&sinceTime=2026-01-01T00%3A00%3A03Z")
        .andReturn(200, lines(3, 4)).once();

    List<String> seen = new ArrayList<>();
    try (Stream<LogLine> lines = runtime.logs("b1", LogOptions.following())) {
      Iterator<LogLine> it = lines.iterator();
      for (int i = 0; i < 3; i++) {
        seen.add(it.next().text());
      }
      pod.getStatus().getContainerStatuses().get(0).state(new V1ContainerState().terminated(
          new V1ContainerStateTerminated().exitCode(0).finishedAt(ApiServerFixture.now())));
      api.core().replaceNamespacedPod(pod.getMetadata().getName(), ApiServerFixture.NAMESPACE, pod).execute();
      it.forEachRemaining(line -> seen.add(line.text()));
    }

    assertThat(seen).containsExactly("line 1", "line 2", "line 3", "line 4");
  }

  @Test
  void closingTheRuntimeEndsAFollow() {
    api.server().expect().get().withPath(logPath + "&follow=true").andReturn(200, lines(1, 1)).always();

    try (Stream<LogLine> lines = runtime.logs("b1", LogOptions.following())) {
      Iterator<LogLine> it = lines.iterator();
      assertThat(it.next().text()).isEqualTo("line 1");
      runtime.close();
      assertThat(it.hasNext()).isFalse();
    }
  }
}
