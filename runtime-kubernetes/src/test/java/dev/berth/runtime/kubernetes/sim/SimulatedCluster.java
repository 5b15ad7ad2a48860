package dev.berth.runtime.kubernetes.sim;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Optional;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;

/**
 * A Kubernetes control plane for tests: the in-process CRUD API server behind a front that counts requests,
 * serves {@code /version} and pod logs (a following one as a stream) and applies JSON merge patches properly;
 * the Deployment and Job controllers, a garbage collector for owned objects and, with
 * {@link #startWithKubelet()}, a kubelet that runs pods on the local Docker engine. Everything happens in
 * a namespace of its own; {@link #close()} stops the loops and removes every container, volume and directory
 * the kubelet made.
 */
public final class SimulatedCluster implements AutoCloseable {
  /** The names of every thread the simulation starts begin with this. */
  public static final String THREAD_PREFIX = "berth-sim-";
  /** docker-java names the threads that read a container's log for the kubelet this way. */
  private static final String DOCKER_STREAM_PREFIX = "docker-java-stream-";
  /** The in-process server logs every request at INFO through java.util.logging: kept to warnings. */
  private static final java.util.logging.Logger SERVER_LOG = quietServerLog();

  private final KubernetesMockServer server;
  private final ApiFront front;
  private final SimDispatcher dispatcher;
  private final String url;
  private final String namespace;
  private final ApiClient client;
  private final ControlLoop controllers;
  private final Kubelet kubelet;

  private SimulatedCluster(boolean withKubelet) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    dispatcher = new SimDispatcher(new KubernetesMixedDispatcher(responses));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init();
    String direct = "http://" + server.getHostName() + ":" + server.getPort();
    namespace = "sim-" + UUID.randomUUID().toString().substring(0, 8);
    SimApi api = new SimApi(direct, namespace);
    try {
      front = new ApiFront(direct, dispatcher);
    } catch (IOException e) {
      server.destroy();
      throw new UncheckedIOException(e);
    }
    url = front.url();
    client = new ClientBuilder().setBasePath(url).build();
    try {
      kubelet = withKubelet ? new Kubelet(api, dispatcher) : null;
    } catch (RuntimeException e) {
      front.close();
      server.destroy();
      throw e;
    }
    if (kubelet != null) {
      dispatcher.nodeRuns();
    }
    dispatcher.serveLogs(new LogEndpoint(dispatcher,
        kubelet == null ? LogEndpoint.NONE : kubelet.logs()));
    if (kubelet != null) {
      serveMetrics(true);
    }
    controllers = new ControlLoop(api);
  }

  /** The API server and the controllers; pods are created but stay {@code Pending}, as without nodes. */
  public static SimulatedCluster start() {
    return new SimulatedCluster(false);
  }

  /**
   * Also a kubelet that runs pods on the local Docker engine ({@code DOCKER_HOST} is honoured; every image is
   * replaced by {@code BERTH_TEST_IMAGE} when that is set). Skips the calling test with the reason when no
   * engine answers, fails it when {@code CI=true}.
   */
  public static SimulatedCluster startWithKubelet() {
    DockerEngine.require();
    return new SimulatedCluster(true);
  }

  /** The API server's base URL, e.g. {@code http://localhost:38211}. */
  public String url() {
    return url;
  }

  /** The namespace of this cluster's controllers and kubelet: fresh for every cluster. */
  public String namespace() {
    return namespace;
  }

  /** A client for the code under test; its requests are the ones {@link #requestCount} counts. */
  public ApiClient client() {
    return client;
  }

  /**
   * How many requests with this HTTP method and a path (with its query) starting with {@code pathPrefix} the
   * server received since start or the last {@link #resetRequestCounts()}, the simulation's own not counted.
   */
  public int requestCount(String method, String pathPrefix) {
    return dispatcher.count(method, pathPrefix);
  }

  /**
   * Whether a thread is the simulation's own (its API front, controllers and kubelet, and the docker-java
   * threads the kubelet reads logs with): for leak checks, which measure the code under test.
   */
  public boolean ownsThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith(THREAD_PREFIX) || (kubelet != null && name.startsWith(DOCKER_STREAM_PREFIX));
  }

  /**
   * Whether a TCP connection of this JVM, by its ports, is the simulation's own: the API server's and the
   * front's side of every connection to them, and the front's connections to the API server behind it. A
   * client's connection to {@link #url()} is the client's.
   */
  public boolean ownsConnection(int localPort, int remotePort) {
    return localPort == front.port() || localPort == server.getPort() || remotePort == server.getPort();
  }

  /**
   * Whether the API server streams watches over HTTP ({@code ?watch=true}), as a real one does (the default). When
   * not, such a request gets what the in-process server answers to it, as from a server that serves none.
   */
  public void serveWatches(boolean serve) {
    front.streamWatches(serve);
  }

  /** Like {@link #requestCount(String, String)}, counting only requests whose path and query contain {@code part}. */
  public int requestCount(String method, String pathPrefix, String part) {
    return dispatcher.count(method, pathPrefix, part);
  }

  /**
   * Whether a metrics server is simulated: {@code metrics.k8s.io} is listed and serves each pod's usage from the
   * engine's stats of its containers. On by default with a kubelet; without one there is nothing to measure.
   */
  public void serveMetrics(boolean serve) {
    dispatcher.serveMetrics(serve && kubelet != null ? new MetricsEndpoint(dispatcher, kubelet.metrics()) : null);
  }

  /**
   * Takes the API server down for clients, as an outage of the control plane: its port is closed and open
   * connections are cut. The controllers and the kubelet go on, as they would on a cluster whose nodes keep their
   * pods. {@link #restartApiServer()} brings it back on the same address.
   */
  public void stopApiServer() {
    front.goDown();
  }

  /** Brings the API server back on the same address, with everything it held. */
  public void restartApiServer() {
    try {
      front.comeBack();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forgets the requests counted so far. */
  public void resetRequestCounts() {
    dispatcher.resetCounts();
  }

  /** The directory of the kubelet's pod volumes (removed by {@link #close()}); empty without a kubelet. */
  Optional<Path> kubeletDirectory() {
    return Optional.ofNullable(kubelet).map(Kubelet::root);
  }

  /** Stops the controllers and the kubelet, removes what the kubelet created, stops the API server. */
  @Override
  public void close() {
    controllers.close();
    if (kubelet != null) {
      kubelet.close();
    }
    front.close();
    server.destroy();
  }

  /** Sets the in-process server's logger to warnings; hold the logger returned, or the level may be lost. */
  public static java.util.logging.Logger quietServerLog() {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }
}
