package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEndpointTest {
  @TempDir
  Path dockerConfig;

  private static DockerSettings settings(Map<String, String> config) {
    return DockerSettings.from(RuntimeConfig.of(config));
  }

  @Test
  void defaultsToTheLocalSocket() {
    DockerEndpoint endpoint = DockerEndpoint.resolve(settings(Map.of()), Map.of(), dockerConfig);
    assertThat(endpoint.host()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(endpoint.tlsVerify()).isFalse();
    assertThat(endpoint.source()).isEqualTo("default");
  }

  @Test
  void dockerHostBeatsTheContextAndTheSettingBeatsDockerHost() throws IOException {
    writeContext("remote", "tcp://remote:2375");
    Files.writeString(dockerConfig.resolve("config.json"), "{\"currentContext\":\"remote\"}");
    Map<String, String> env = Map.of("DOCKER_HOST", "tcp://from-env:2375");
    assertThat(DockerEndpoint.resolve(settings(Map.of()), env, dockerConfig).host()).isEqualTo("tcp://from-env:2375");
    assertThat(DockerEndpoint.resolve(settings(Map.of("docker.host", "unix:///x.sock")), env, dockerConfig).host())
        .isEqualTo("unix:///x.sock");
  }

  @Test
  void followsTheCurrentContextLikeTheCli() throws IOException {
    writeContext("colima", "unix:///home/me/.colima/docker.sock");
    Files.writeString(dockerConfig.resolve("config.json"), "{\"currentContext\":\"colima\",\"auths\":{}}");
    DockerEndpoint endpoint = DockerEndpoint.resolve(settings(Map.of()), Map.of(), dockerConfig);
    assertThat(endpoint.host()).isEqualTo("unix:///home/me/.colima/docker.sock");
    assertThat(endpoint.source()).isEqualTo("Docker context 'colima'");
  }

  @Test
  void dockerContextVariableAndSettingPickAContext() throws IOException {
    writeContext("a", "tcp://a:2375");
    writeContext("b", "tcp://b:2375");
    Files.writeString(dockerConfig.resolve("config.json"), "{\"currentContext\":\"a\"}");
    assertThat(DockerEndpoint.resolve(settings(Map.of()), Map.of("DOCKER_CONTEXT", "b"), dockerConfig).host())
        .isEqualTo("tcp://b:2375");
    assertThat(DockerEndpoint.resolve(settings(Map.of("docker.context", "b")), Map.of(), dockerConfig).host())
        .isEqualTo("tcp://b:2375");
  }

  @Test
  void contextTlsMaterialTurnsVerificationOn() throws IOException {
    writeContext("secure", "tcp://secure:2376");
    Path tls = Files.createDirectories(dockerConfig.resolve("contexts/tls")
        .resolve(DockerEndpoint.sha256("secure")).resolve("docker"));
    DockerEndpoint endpoint = DockerEndpoint.resolve(settings(Map.of("docker.context", "secure")), Map.of(),
        dockerConfig);
    assertThat(endpoint.tlsVerify()).isTrue();
    assertThat(endpoint.certPath()).contains(tls);
  }

  @Test
  void tlsVariablesAreHonoured() {
    DockerEndpoint endpoint = DockerEndpoint.resolve(settings(Map.of()), Map.of("DOCKER_HOST", "tcp://h:2376",
        "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", "/certs"), dockerConfig);
    assertThat(endpoint.tlsVerify()).isTrue();
    assertThat(endpoint.certPath()).contains(Path.of("/certs"));
  }

  @Test
  void aMissingOrBrokenContextFallsBackToTheDefault() throws IOException {
    Files.writeString(dockerConfig.resolve("config.json"), "{\"currentContext\":\"gone\"}");
    assertThat(DockerEndpoint.resolve(settings(Map.of()), Map.of(), dockerConfig).host())
        .isEqualTo(DockerEndpoint.DEFAULT_HOST);
  }

  private void writeContext(String name, String host) throws IOException {
    Path meta = Files.createDirectories(dockerConfig.resolve("contexts/meta").resolve(DockerEndpoint.sha256(name)));
    Files.writeString(meta.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},"
        + "\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\",\"SkipTLSVerify\":false}}}");
  }
}
