package dev.berth.runtime.kubernetes.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * The local Docker engine the simulated kubelet runs pods on: found like the docker CLI finds it
 * ({@code DOCKER_HOST} and friends), required by the {@code docker} tests (skipped with the reason when none
 * answers, failed when {@code CI=true}). Every container of a cluster carries {@link #CLUSTER_LABEL}.
 */
final class DockerEngine {
  static final String CLUSTER_LABEL = "berth.sim.cluster";
  static final String POD_LABEL = "berth.sim.pod";
  static final String CONTAINER_LABEL = "berth.sim.container";
  private static volatile String problem;

  private DockerEngine() {}

  static DockerClient connect() {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig()).connectionTimeout(Duration.ofSeconds(5))
        .responseTimeout(Duration.ofSeconds(60)).maxConnections(32).build();
    return DockerClientImpl.getInstance(config, http);
  }

  /** Skips the calling test when no engine answers locally; fails it on CI, where one must. */
  static void require() {
    String known = problem;
    if (known == null) {
      try (DockerClient docker = connect()) {
        docker.pingCmd().exec();
        known = "";
      } catch (IOException | RuntimeException e) {
        known = e.toString();
      }
      problem = known;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(known).as("CI=true needs a Docker engine").isEmpty();
    }
    Assumptions.assumeTrue(known.isEmpty(), "No Docker engine answers here: " + known);
  }

  /** The ids of every container, running or not, the kubelet of the cluster with this namespace created. */
  static List<String> containersOf(DockerClient docker, String namespace) {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(CLUSTER_LABEL, namespace)).exec()
        .stream().map(Container::getId).collect(Collectors.toList());
  }
}
