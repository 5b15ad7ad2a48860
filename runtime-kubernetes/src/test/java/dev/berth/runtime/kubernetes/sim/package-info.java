/**
 * A simulated Kubernetes control plane for the backend's tests, since no real cluster is reachable from the build:
 * {@link dev.berth.runtime.kubernetes.sim.SimulatedCluster} starts it.
 *
 * <p>What it does as a real cluster does: the CRUD API server (fabric8's in-process server) with JSON merge patch
 * per RFC 7386, watches over HTTP, following pod logs as a stream, {@code /version} and group discovery; the
 * Deployment controller (replicas 0 or 1, a changed template or {@code restartedAt} replaces the pod, a failed pod
 * is replaced, status with {@code observedGeneration}), the Job controller (one pod at a time, {@code backoffLimit},
 * {@code activeDeadlineSeconds}, {@code ttlSecondsAfterFinished}), the CronJob controller (schedule, concurrency
 * policy, history limits) and the garbage collector (objects whose owners are gone); with a kubelet, pods run on
 * the local Docker engine with init containers, {@code emptyDir}/ConfigMap/Secret volumes, resolved environment,
 * memory and CPU limits, the security context, termination messages, restarts and graceful stops.
 *
 * <p>What differs: strategic-merge patch and server-side apply are answered 415; set-based label selectors are
 * ignored; pods are owned by their Deployment directly (no ReplicaSet); pods use the host network and report
 * {@code 127.0.0.1} as their IP; there is no scheduler and no node status. With a kubelet, a metrics server is
 * simulated ({@code metrics.k8s.io} pod metrics from the engine's stats, averaged over a second rather than
 * metrics-server's window; {@code serveMetrics(false)} turns it off, and without a kubelet it answers 404), and
 * watches are streamed over HTTP ({@code serveWatches(false)} hands them to the in-process server, which answers
 * 400). When {@code BERTH_TEST_IMAGE} is set every image is replaced by it, except
 * images from a registry under {@code .invalid}, which are never present and leave the pod in
 * {@code ImagePullBackOff}. {@link dev.berth.runtime.kubernetes.sim.SimulatedCluster#requestCount} counts only
 * the requests of the code under test, never the simulation's own.
 */
package dev.berth.runtime.kubernetes.sim;
