package dev.berth.benchmarks;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.kubernetes.KubeBenchSupport;
import dev.berth.runtime.kubernetes.KubernetesRuntime;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kubernetes: {@code list()} of 1,000 bots and {@code status()} of one against the raw client-java calls that
 * read the same objects, on fabric8's in-process API server (CRUD mode, no controllers). Each bot is created and
 * started by Berth (Deployment, ConfigMap, Secret, a scale to one replica), its running pod written by the harness
 * as the Deployment controller and kubelet would.
 */
final class KubernetesListBenchmark {
  private static final int BOTS = Integer.getInteger("berth.bench.kube.bots", 1000);
  private static final int RUNS = Integer.getInteger("berth.bench.kube.runs", 30);
  private static final int WARM_UP = 5;
  private static final int THREADS = 8;
  private static final String NAMESPACE = "bench";
  /** The in-process server logs every request at INFO through java.util.logging. */
  private static final Logger SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private KubernetesListBenchmark() {}

  static void run() throws Exception {
    SERVER_LOG.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    String url = "http://" + server.getHostName() + ":" + server.getPort();
    String scope = "bench-" + Long.toString(System.nanoTime(), 36);
    ApiClient client = new ClientBuilder().setBasePath(url).build();
    AppsV1Api apps = new AppsV1Api(client);
    CoreV1Api core = new CoreV1Api(client);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (KubernetesRuntime runtime = KubernetesRuntime.builder().apiUrl(url).namespace(NAMESPACE).scope(scope)
        .noObjectStore().build()) {
      long t0 = System.nanoTime();
      AtomicInteger done = new AtomicInteger();
      List<Future<?>> creates = new ArrayList<>();
      for (int i = 0; i < BOTS; i++) {
        String id = "bot-" + i;
        creates.add(pool.submit(() -> {
          runtime.create(BotSpec.builder(id).image("busybox:1.36").command("sleep", "infinity").build());
          core.createNamespacedPod(NAMESPACE, KubeBenchSupport.runningPod(NAMESPACE, scope, id)).execute();
          runtime.start(id);
          int n = done.incrementAndGet();
          if (n % 250 == 0) {
            System.out.printf(Locale.ROOT, "  ... %d of %d bots created and started%n", n, BOTS);
          }
          return null;
        }));
      }
      for (Future<?> create : creates) {
        create.get();
      }
      System.out.printf(Locale.ROOT, "Kubernetes: %d bots created and started with %d threads in %.1f s%n", BOTS,
          THREADS, (System.nanoTime() - t0) / 1e9);

      String fleet = KubeBenchSupport.fleetSelector(scope);
      String one = KubeBenchSupport.botSelector(scope, "bot-7");
      String oneName = KubeBenchSupport.deploymentName(scope, "bot-7");
      Samples rawList = new Samples("client-java: list Deployments + pods (raw)", RUNS);
      Samples berthList = new Samples("berth list()", RUNS);
      Samples rawStatus = new Samples("client-java: read Deployment + pods (raw)", RUNS);
      Samples berthStatus = new Samples("berth status()", RUNS);
      for (int round = 0; round < WARM_UP + RUNS; round++) {
        boolean counted = round >= WARM_UP;
        long start = System.nanoTime();
        int raw = apps.listNamespacedDeployment(NAMESPACE).labelSelector(fleet).execute().getItems().size()
            + core.listNamespacedPod(NAMESPACE).labelSelector(fleet).execute().getItems().size();
        long rawNanos = System.nanoTime() - start;
        start = System.nanoTime();
        int listed = runtime.list().size();
        long berthNanos = System.nanoTime() - start;
        check(raw == 2 * BOTS && listed == BOTS, "listed " + listed + " bots, raw " + raw + " objects");
        if (counted) {
          rawList.add(rawNanos);
          berthList.add(berthNanos);
        }
        start = System.nanoTime();
        apps.readNamespacedDeployment(oneName, NAMESPACE).execute();
        core.listNamespacedPod(NAMESPACE).labelSelector(one).execute();
        rawNanos = System.nanoTime() - start;
        start = System.nanoTime();
        BotStatus status = runtime.status("bot-7");
        berthNanos = System.nanoTime() - start;
        check(status.state() == BotState.RUNNING, "bot-7 is " + status.state());
        if (counted) {
          rawStatus.add(rawNanos);
          berthStatus.add(berthNanos);
        }
      }
      int before = server.getRequestCount();
      runtime.list();
      int perList = server.getRequestCount() - before;
      before = server.getRequestCount();
      runtime.status("bot-7");
      int perStatus = server.getRequestCount() - before;
      System.out.printf(Locale.ROOT, "Kubernetes: list() of %d bots and status() of one, on the in-process API "
          + "server (interleaved, %d warm-up rounds)%n", BOTS, WARM_UP);
      System.out.println(Samples.HEADER);
      System.out.println(rawList.row(rawList));
      System.out.println(berthList.row(rawList));
      System.out.println(rawStatus.row(rawStatus));
      System.out.println(berthStatus.row(rawStatus));
      System.out.printf(Locale.ROOT, "  requests to the API server: %d per list() of %d bots, %d per status()%n",
          perList, BOTS, perStatus);
    } finally {
      pool.shutdownNow();
      server.destroy();
    }
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("Kubernetes benchmark: " + what);
    }
  }
}
