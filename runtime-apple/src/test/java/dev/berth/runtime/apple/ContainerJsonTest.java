package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.RuntimeOperationException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two shapes of {@code container ls --format json} / {@code inspect}. The samples follow the CLI's
 * encoders (1.x: {@code ManagedContainer} with sorted keys and ISO-8601 dates; before 1.0:
 * {@code PrintableContainer} with Foundation's default date encoding), with made-up values.
 */
class ContainerJsonTest {
  static final String V1 = "[{\"configuration\":{\"creationDate\":\"2026-03-01T09:59:00Z\",\"id\":\"berth-0123456789-ticker\","
      + "\"image\":{\"descriptor\":{\"digest\":\"sha256:ab\",\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
      + "\"size\":1609},\"reference\":\"docker.io/library/python:3.12-slim\"},\"initProcess\":{\"arguments\":[\"-c\"],"
      + "\"environment\":[\"BOT_ID=ticker\"],\"executable\":\"/bin/sh\",\"terminal\":false,\"user\":{\"id\":{\"gid\":0,"
      + "\"uid\":0}},\"workingDirectory\":\"/bot\"},\"labels\":{\"berth.id\":\"ticker\",\"berth.kind\":\"bot\","
      + "\"berth.managed\":\"true\",\"berth.scope\":\"default\",\"team\":\"quant\"},\"mounts\":[],\"networks\":"
      + "[{\"network\":\"default\",\"options\":{\"hostname\":\"ticker\"}}],\"platform\":{\"architecture\":\"arm64\","
      + "\"os\":\"linux\"},\"publishedPorts\":[],\"resources\":{\"cpuOverhead\":1,\"cpus\":4,\"memoryInBytes\":"
      + "1073741824},\"rosetta\":false,\"runtimeHandler\":\"container-runtime-linux\",\"someFutureKey\":{\"x\":[1]}},"
      + "\"id\":\"berth-0123456789-ticker\",\"status\":{\"networks\":[{\"hostname\":\"ticker\",\"ipv4Address\":"
      + "\"192.168.64.3/24\",\"ipv4Gateway\":\"192.168.64.1\",\"macAddress\":\"0e:aa:bb:cc:dd:ee\",\"network\":"
      + "\"default\"}],\"startedDate\":\"2026-03-01T10:00:00Z\",\"state\":\"running\"}},"
      + "{\"configuration\":{\"id\":\"web\",\"image\":{\"reference\":\"nginx\"}},\"id\":\"web\",\"status\":"
      + "{\"networks\":[],\"state\":\"stopped\"}}]";

  /** Before 1.0 (0.5): status a string, networks at the top with {@code address}, date as 2001-based seconds. */
  static final String PRE_1 = "[{\"status\":\"running\",\"configuration\":{\"id\":\"ticker\",\"image\":{\"reference\":"
      + "\"docker.io/library/alpine:3.20\",\"descriptor\":{\"digest\":\"sha256:cd\",\"size\":1}},\"labels\":{\"a\":\"b\"},"
      + "\"initProcess\":{\"executable\":\"sh\",\"arguments\":[],\"environment\":[],\"workingDirectory\":\"/\"}},"
      + "\"networks\":[{\"network\":\"default\",\"hostname\":\"ticker\",\"address\":\"192.168.64.7/24\",\"gateway\":"
      + "\"192.168.64.1\"}],\"startedDate\":794052000.5}]";

  @Test
  void readsThe1xShape() {
    List<ContainerInfo> containers = ContainerJson.parse(V1, "container ls -a --format json");
    assertThat(containers).hasSize(2);
    ContainerInfo ticker = containers.get(0);
    assertThat(ticker.name()).isEqualTo("berth-0123456789-ticker");
    assertThat(ticker.image()).isEqualTo("docker.io/library/python:3.12-slim");
    assertThat(ticker.labels()).containsEntry("team", "quant").containsEntry("berth.id", "ticker");
    assertThat(ticker.state()).isEqualTo(ContainerInfo.State.RUNNING);
    assertThat(ticker.startedAt()).hasValue(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(ticker.address()).hasValue("192.168.64.3");
    assertThat(ticker.gateway()).hasValue("192.168.64.1");
    ContainerInfo web = containers.get(1);
    assertThat(web.state()).isEqualTo(ContainerInfo.State.STOPPED);
    assertThat(web.startedAt()).isEmpty();
    assertThat(web.address()).isEmpty();
    assertThat(web.labels()).isEmpty();
  }

  @Test
  void readsThePre1Shape() {
    ContainerInfo ticker = ContainerJson.parse(PRE_1, "container ls -a --format json").get(0);
    assertThat(ticker.name()).isEqualTo("ticker");
    assertThat(ticker.image()).isEqualTo("docker.io/library/alpine:3.20");
    assertThat(ticker.state()).isEqualTo(ContainerInfo.State.RUNNING);
    assertThat(ticker.address()).hasValue("192.168.64.7");
    assertThat(ticker.gateway()).hasValue("192.168.64.1");
    assertThat(ticker.startedAt()).hasValue(Instant.parse("2026-03-01T10:00:00.500Z"));
    assertThat(ticker.labels()).containsExactly(java.util.Map.entry("a", "b"));
  }

  @Test
  void readsThe09ShapeWithIpv4AddressAtTheTopLevel() {
    String json = "[{\"status\":\"stopping\",\"configuration\":{\"id\":\"x\"},\"networks\":[{\"ipv4Address\":"
        + "\"10.0.0.2/16\",\"ipv4Gateway\":\"10.0.0.1\"}]}]";
    ContainerInfo x = ContainerJson.parse(json, "c").get(0);
    assertThat(x.state()).isEqualTo(ContainerInfo.State.STOPPING);
    assertThat(x.active()).isTrue();
    assertThat(x.address()).hasValue("10.0.0.2");
    assertThat(x.image()).isEmpty();
  }

  @Test
  void anUnknownStateIsUnknownNotAnError() {
    ContainerInfo x = ContainerJson.parse("[{\"id\":\"x\",\"status\":{\"state\":\"paused\"}}]", "c").get(0);
    assertThat(x.state()).isEqualTo(ContainerInfo.State.UNKNOWN);
    assertThat(x.active()).isFalse();
  }

  @Test
  void emptyOutputAndAnEmptyArrayAreNoContainers() {
    assertThat(ContainerJson.parse("", "c")).isEmpty();
    assertThat(ContainerJson.parse("[]\n", "c")).isEmpty();
  }

  @Test
  void aSingleObjectIsReadAsOneContainer() {
    assertThat(ContainerJson.parse("{\"id\":\"x\",\"status\":\"stopped\"}", "c")).extracting(ContainerInfo::name)
        .containsExactly("x");
  }

  @Test
  void malformedOutputIsARuntimeOperationExceptionQuotingTheCommand() {
    for (String output : List.of("Error: something", "[{\"id\":\"x\",", "[1]", "\"text\"", "[{\"status\":\"running\"}]",
        "[{\"id\":\"x\"}]", "[{\"configuration\":null,\"status\":{}}]", "[{\"id\":7,\"status\":\"running\"}]",
        "[{\"id\":\"x\",\"status\":null}]", "[null]")) {
      assertThatThrownBy(() -> ContainerJson.parse(output, "container ls -a --format json")).as(output)
          .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("container ls -a --format json");
    }
  }

  @Test
  void wrongTypesInsideAnEntryAreIgnoredNotFatal() {
    String json = "[{\"id\":\"x\",\"configuration\":{\"labels\":{\"a\":1,\"b\":\"c\"},\"image\":7},\"status\":"
        + "{\"state\":5,\"networks\":[\"garbage\",{}],\"startedDate\":\"yesterday\"}}]";
    ContainerInfo x = ContainerJson.parse(json, "c").get(0);
    assertThat(x.labels()).containsOnlyKeys("b");
    assertThat(x.state()).isEqualTo(ContainerInfo.State.UNKNOWN);
    assertThat(x.startedAt()).isEmpty();
    assertThat(x.address()).isEmpty();
  }
}
