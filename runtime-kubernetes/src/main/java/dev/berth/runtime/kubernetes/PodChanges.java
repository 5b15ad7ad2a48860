package dev.berth.runtime.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the next change to a workload's pods. Where the API server streams watches over HTTP
 * ({@code ?watch=true}, as every real API server does), the wait is a watch from the resource version of the list
 * the caller just read, and it ends at the watch's first event: a wait ends as soon as a pod changes. Where the
 * server serves no such stream (it answers with an error status or with a plain list), or the account may not
 * watch pods, waits are pauses of {@code kubernetes.poll-interval} from then on, as before watches existed.
 *
 * <p>A wait is interruptible (the watch is cancelled) and ends when the connection is closed. A single watch lasts
 * at most {@link #WATCH_WINDOW}, so a caller that also looks at something other than pods (a Job's conditions)
 * sees it at least that often.
 */
final class PodChanges {
  /** The longest single watch; the server ends it then ({@code timeoutSeconds}), else the client does. */
  static final Duration WATCH_WINDOW = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(PodChanges.class);
  /** Statuses of a server that serves no watch over HTTP (the in-process test server wants a WebSocket). */
  private static final Set<Integer> NO_WATCH = Set.of(400, 404, 405, 406, 415, 501);
  private static final long CLIENT_MARGIN_SECONDS = 5;

  private final KubeConnection connection;
  private final Duration pollInterval;
  private final AtomicBoolean polling = new AtomicBoolean();

  private enum Outcome { CHANGED, ENDED, FAILED, NOT_SERVED }

  PodChanges(KubeConnection connection, Duration pollInterval) {
    this.connection = connection;
    this.pollInterval = pollInterval;
  }

  /** Whether waits are watches (until the server showed it serves none). */
  boolean watching() {
    return !polling.get();
  }

  /**
   * Returns once the pods selected by {@code labelSelector} changed after {@code resourceVersion} (the version of
   * the list the caller read), or after at most {@code max}; the caller reads the pods again either way.
   *
   * @param resourceVersion the list's {@code metadata.resourceVersion}; without one, a pause
   */
  void await(String labelSelector, String resourceVersion, Duration max) throws InterruptedException {
    if (max.isNegative() || max.isZero()) {
      return;
    }
    if (polling.get() || resourceVersion == null || resourceVersion.isEmpty()) {
      pause(max);
      return;
    }
    long seconds = Math.max(1, (Math.min(max.toMillis(), WATCH_WINDOW.toMillis()) + 999) / 1000);
    Call call;
    try {
      call = connection.core().listNamespacedPod(connection.namespace()).labelSelector(labelSelector)
          .resourceVersion(resourceVersion).watch(true).allowWatchBookmarks(false).timeoutSeconds((int) seconds)
          .buildCall(null);
    } catch (ApiException e) {
      pause(max);
      return;
    }
    AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.FAILED);
    CountDownLatch answered = new CountDownLatch(1);
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call failed, IOException e) {
        if (!failed.isCanceled()) {
          LOG.debug("A watch of the pods {} failed: {}", labelSelector, e.toString());
        }
        answered.countDown();
      }

      @Override
      public void onResponse(Call done, Response response) {
        try (response) {
          outcome.set(firstEvent(response, labelSelector));
        } catch (IOException e) {
          LOG.debug("A watch of the pods {} broke off: {}", labelSelector, e.toString());
        } finally {
          answered.countDown();
        }
      }
    });
    try {
      if (!answered.await(seconds + CLIENT_MARGIN_SECONDS, TimeUnit.SECONDS)) {
        call.cancel(); // a server that ignored timeoutSeconds
        return;
      }
    } catch (InterruptedException e) {
      call.cancel();
      throw e;
    }
    if (outcome.get() == Outcome.FAILED || outcome.get() == Outcome.NOT_SERVED) {
      pause(max); // no hot loop against a failing server
    }
  }

  private Outcome firstEvent(Response response, String labelSelector) throws IOException {
    int code = response.code();
    if (code == 410) {
      return Outcome.ENDED; // the version is too old to watch from: the caller lists again
    }
    if (code == 403) {
      return notServed("the account may not watch pods (HTTP 403); grant the verb watch on pods for waits that "
          + "end as soon as a pod changes");
    }
    if (NO_WATCH.contains(code)) {
      return notServed("the API server serves no watch over HTTP (HTTP " + code + ")");
    }
    if (!response.isSuccessful() || response.body() == null) {
      LOG.debug("A watch of the pods {} was answered with HTTP {}", labelSelector, code);
      return Outcome.FAILED;
    }
    String line = response.body().source().readUtf8Line();
    if (line == null) {
      return Outcome.ENDED;
    }
    if (!isEvent(line)) {
      return notServed("the API server answered a watch with something other than watch events");
    }
    return Outcome.CHANGED;
  }

  /** {@code {"type":"ADDED","object":{...}}}: an event; a list or anything else is not. */
  private static boolean isEvent(String line) {
    try {
      JsonElement json = JsonParser.parseString(line);
      return json.isJsonObject() && json.getAsJsonObject().has("type") && json.getAsJsonObject().has("object");
    } catch (JsonParseException e) {
      return false;
    }
  }

  private Outcome notServed(String why) {
    if (polling.compareAndSet(false, true)) {
      LOG.info("Kubernetes at {}: {}; waiting for pods by polling every {} ms instead", connection.url(), why,
          pollInterval.toMillis());
    }
    return Outcome.NOT_SERVED;
  }

  private void pause(Duration max) throws InterruptedException {
    Thread.sleep(Math.max(1, Math.min(max.toMillis(), pollInterval.toMillis())));
  }
}
