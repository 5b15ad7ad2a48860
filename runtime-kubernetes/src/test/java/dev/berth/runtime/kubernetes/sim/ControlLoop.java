package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller manager of the simulation: every {@value #PERIOD_MS} ms one pass of the CronJob, Deployment
 * and Job controllers and the garbage collector over the cluster's namespace, on one named daemon thread.
 */
final class ControlLoop implements AutoCloseable {
  static final long PERIOD_MS = 75;
  private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

  private final SimApi api;
  private final DeploymentController deployments;
  private final JobController jobs;
  private final CronJobController cronJobs;
  private final GarbageCollector garbage;
  private final Thread thread;
  private volatile boolean running = true;

  ControlLoop(SimApi api) {
    this.api = api;
    this.deployments = new DeploymentController(api);
    this.jobs = new JobController(api);
    this.cronJobs = new CronJobController(api);
    this.garbage = new GarbageCollector(api);
    this.thread = new Thread(this::run, SimulatedCluster.THREAD_PREFIX + "controllers-" + api.namespace);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        pass();
      } catch (ApiException e) {
        LOG.debug("Controller pass failed ({}): {}", e.getCode(), e.getResponseBody());
      } catch (RuntimeException e) {
        LOG.warn("Controller pass failed", e);
      }
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void pass() throws ApiException {
    cronJobs.reconcile();
    List<V1Pod> pods = api.core.listNamespacedPod(api.namespace).execute().getItems();
    deployments.reconcile(pods);
    jobs.reconcile(pods);
    garbage.collect(pods);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
