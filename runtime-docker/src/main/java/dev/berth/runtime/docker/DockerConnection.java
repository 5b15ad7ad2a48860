package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.berth.runtime.Health;
import dev.berth.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One docker-java client (Apache HttpClient 5 transport) for one engine, shared by every collaborator of a
 * runtime. The API version is negotiated by sending unversioned requests, so old and new engines both
 * work; a forced version would fail on engines older than it.
 */
final class DockerConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DockerConnection.class);

  private final DockerEndpoint endpoint;
  private final DockerClient client;
  private final DockerErrors errors;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DockerConnection(DockerEndpoint endpoint, DockerClient client, String scope) {
    this.endpoint = endpoint;
    this.client = client;
    this.errors = new DockerErrors(endpoint, scope);
  }

  /** Opens a client; does not contact the engine yet. */
  static DockerConnection open(DockerSettings settings, Map<String, String> env) {
    DockerEndpoint endpoint = DockerEndpoint.resolve(settings, env);
    try {
      DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
          .withDockerHost(endpoint.host())
          .withDockerTlsVerify(endpoint.tlsVerify());
      endpoint.certPath().ifPresent(path -> config.withDockerCertPath(path.toString()));
      DefaultDockerClientConfig clientConfig = config.build();
      DockerHttpClient http = MissingSocketGuard.wrap(new ApacheDockerHttpClient.Builder()
          .dockerHost(URI.create(endpoint.host()))
          .sslConfig(clientConfig.getSSLConfig())
          .maxConnections(256)
          .connectionTimeout(settings.connectTimeout())
          .build(), endpoint.host());
      log.debug("Docker endpoint {} (from {})", endpoint.host(), endpoint.source());
      return new DockerConnection(endpoint, DockerClientImpl.getInstance(clientConfig, http), settings.scope());
    } catch (RuntimeException e) {
      throw new RuntimeUnavailableException("Cannot set up a Docker client for " + endpoint.host() + " (from "
          + endpoint.source() + "): " + e.getMessage() + ". Check DOCKER_HOST, DOCKER_TLS_VERIFY, "
          + "DOCKER_CERT_PATH or the docker.* settings.", e);
    }
  }

  DockerClient client() {
    return client;
  }

  DockerEndpoint endpoint() {
    return endpoint;
  }

  DockerErrors errors() {
    return errors;
  }

  /** Fails with {@link RuntimeUnavailableException} when the engine does not answer. */
  void ping() {
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      throw errors.unreachable(e);
    }
  }

  /** The engine's version, e.g. {@code Docker 20.10.24 (API 1.41)}; never throws. */
  Health health() {
    try {
      Version version = client.versionCmd().exec();
      return Health.healthy("Docker " + version.getVersion() + " (API " + version.getApiVersion() + ")");
    } catch (RuntimeException e) {
      return Health.unhealthy(errors.unreachable(e).getMessage());
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        client.close();
      } catch (IOException e) {
        log.debug("Closing the Docker client for {} failed", endpoint.host(), e);
      }
    }
  }
}
