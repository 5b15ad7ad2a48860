package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * {@code list} of the Docker runtime: one label-filtered list call, then an inspect only of the containers
 * whose last inspection the list response cannot vouch for ({@link ListedInspections}), several at a time.
 */
final class BotLister implements AutoCloseable {
  /** Inspects in flight at once: enough to hide the round trips, few enough not to flood a shared engine. */
  static final int MOST_CONCURRENT = 4;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final DockerClient client;
  private final DockerErrors errors;
  private final BotOperations operations;
  private final ThreadPoolExecutor inspectors;
  private volatile ListedInspections listed = new ListedInspections();

  BotLister(DockerConnection connection, BotOperations operations, String scope) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.operations = operations;
    this.inspectors = new ThreadPoolExecutor(MOST_CONCURRENT, MOST_CONCURRENT, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, "berth-docker-list-" + scope + "-" + THREADS.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    inspectors.allowCoreThreadTimeOut(true); // an idle runtime keeps no thread
  }

  /** For tests: reuse inspections of containers whose listed age is at least {@code settled}. */
  void reuseAfter(Duration settled) {
    listed = new ListedInspections(settled);
  }

  /** The statuses of {@code containers}, as listed with {@code filter}'s labels, that match it, by id. */
  List<BotStatus> statuses(List<Container> containers, BotFilter filter) {
    ListedInspections inspections = listed;
    Instant now = Instant.now();
    InspectContainerResponse[] found = new InspectContainerResponse[containers.size()];
    List<Integer> toInspect = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      InspectContainerResponse earlier = inspections.reusable(containers.get(i), now).orElse(null);
      if (earlier == null) {
        toInspect.add(i);
      } else {
        found[i] = earlier;
      }
    }
    inspectAll(containers, toInspect, found, inspections);
    List<BotStatus> statuses = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      if (found[i] != null) { // null: deleted between list and inspect, so not listed
        BotStatus status = operations.map(containers.get(i).getLabels().get(Labels.ID), found[i]);
        if (filter.matches(status)) {
          statuses.add(status);
        }
      }
    }
    if (filter.labels().isEmpty() && filter.segment().isEmpty()) {
      inspections.retainOnly(containers.stream().map(Container::getId).collect(Collectors.toSet()));
    }
    statuses.sort(Comparator.comparing(BotStatus::id));
    return statuses;
  }

  private void inspectAll(List<Container> containers, List<Integer> indexes, InspectContainerResponse[] found,
      ListedInspections inspections) {
    if (indexes.size() <= 1) {
      indexes.forEach(i -> found[i] = inspect(containers.get(i), inspections));
      return;
    }
    List<Future<?>> pending = new ArrayList<>(indexes.size());
    for (int i : indexes) {
      pending.add(inspectors.submit(() -> found[i] = inspect(containers.get(i), inspections)));
    }
    try {
      for (Future<?> inspected : pending) {
        inspected.get();
      }
    } catch (ExecutionException e) {
      pending.forEach(inspected -> inspected.cancel(false));
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new RuntimeOperationException("Listing bots failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      pending.forEach(inspected -> inspected.cancel(true));
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Listing bots was interrupted", e);
    }
  }

  /** The container's inspection, remembered for the next list; null when it was removed since it was listed. */
  private InspectContainerResponse inspect(Container container, ListedInspections inspections) {
    try {
      InspectContainerResponse fresh = client.inspectContainerCmd(container.getId()).exec();
      inspections.remember(container, fresh);
      return fresh;
    } catch (RuntimeException e) {
      if (DockerErrors.isNotFound(e)) {
        inspections.forget(container.getId());
        return null;
      }
      throw errors.translate(e, "listing bots", null);
    }
  }

  @Override
  public void close() {
    inspectors.shutdownNow();
  }
}
