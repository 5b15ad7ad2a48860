package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import dev.berth.runtime.Progress;
import dev.berth.runtime.ProgressListener;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums per-layer download progress of a pull into one figure for the listener, and logs at info every
 * 10 % so a slow pull is visible in the service's log.
 */
final class PullProgress {
  private static final Logger log = LoggerFactory.getLogger(PullProgress.class);

  private final String image;
  private final ProgressListener listener;
  private final Map<String, long[]> layers = new HashMap<>();
  private int loggedDecile = -1;

  PullProgress(String image, ProgressListener listener) {
    this.image = image;
    this.listener = listener;
  }

  synchronized void onItem(PullResponseItem item) {
    ResponseItem.ProgressDetail detail = item.getProgressDetail();
    String status = item.getStatus() == null ? "" : item.getStatus();
    if (item.getId() != null && detail != null && detail.getTotal() != null && detail.getTotal() > 0
        && status.startsWith("Downloading")) {
      layers.put(item.getId(), new long[] {detail.getCurrent() == null ? 0 : detail.getCurrent(), detail.getTotal()});
    } else if (item.getId() != null && (status.startsWith("Download complete") || status.startsWith("Pull complete"))) {
      long[] layer = layers.get(item.getId());
      if (layer != null) {
        layer[0] = layer[1];
      }
    }
    long done = 0;
    long total = 0;
    for (long[] layer : layers.values()) {
      done += layer[0];
      total += layer[1];
    }
    Progress progress = new Progress("pull", image, done, total > 0 ? total : -1, status);
    if (progress.fraction().isPresent()) {
      int decile = (int) Math.floor(progress.fraction().getAsDouble() * 10);
      if (decile > loggedDecile) {
        loggedDecile = decile;
        log.info("Pulling {}: {}% of {} bytes", image, decile * 10, total);
      }
    }
    listener.onProgress(progress);
  }
}
