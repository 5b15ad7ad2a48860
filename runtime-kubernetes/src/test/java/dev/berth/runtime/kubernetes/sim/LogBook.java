package dev.berth.runtime.kubernetes.sim;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's log files: each container's output, captured by one follow of the engine's log from the moment
 * the container starts until it ends and kept in memory, so that every log request (a follow polling for more,
 * a tail, the previous instance's log) reads lines already fetched instead of asking the engine again. Lines
 * start with their RFC 3339 timestamp and a space. Capturing needs a connection per running container, so it
 * has a client of its own with a pool to match and no response timeout (a quiet container writes nothing for
 * as long as it likes).
 */
final class LogBook implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LogBook.class);
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private final DockerClient docker;
  private final Map<String, Capture> captures = new ConcurrentHashMap<>();

  LogBook() {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig()).connectionTimeout(Duration.ofSeconds(5)).maxConnections(4096).build();
    this.docker = DockerClientImpl.getInstance(config, http);
  }

  /** Starts capturing a container's output; call it once the container was started. */
  void capture(String containerId) {
    Capture capture = new Capture();
    if (captures.putIfAbsent(containerId, capture) == null) {
      docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTimestamps(true)
          .withFollowStream(true).exec(capture);
    }
  }

  /**
   * The lines the container wrote so far from the {@code from}th on (0 for all). Once the container has
   * stopped, every line it wrote: the read waits (a few seconds at most) for the capture to deliver its last.
   */
  List<String> lines(String containerId, int from, boolean running) {
    Capture capture = captures.get(containerId);
    if (capture == null) {
      return List.of();
    }
    if (!running) {
      capture.awaitEnd(SETTLE);
    }
    return capture.from(from);
  }

  /** Whether the container may still write: its capture has not reached the end of its output. */
  boolean writing(String containerId) {
    Capture capture = captures.get(containerId);
    return capture != null && !capture.ended();
  }

  /** Drops a removed container's lines and ends its capture. */
  void forget(String containerId) {
    Capture capture = captures.remove(containerId);
    if (capture != null) {
      capture.closeQuietly();
    }
  }

  @Override
  public void close() throws IOException {
    captures.values().forEach(Capture::closeQuietly);
    captures.clear();
    docker.close();
  }

  /** One container's follow: whole lines, each stream's unfinished line kept apart until its newline comes. */
  private static final class Capture extends ResultCallback.Adapter<Frame> {
    private final List<String> lines = new ArrayList<>();
    private final Map<StreamType, StringBuilder> partial = new EnumMap<>(StreamType.class);
    private final CountDownLatch end = new CountDownLatch(1);

    @Override
    public void onNext(Frame frame) {
      synchronized (lines) {
        StringBuilder open = partial.computeIfAbsent(frame.getStreamType(), type -> new StringBuilder());
        open.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
        int newline;
        while ((newline = open.indexOf("\n")) >= 0) {
          lines.add(open.substring(0, newline));
          open.delete(0, newline + 1);
        }
      }
    }

    @Override
    public void onError(Throwable throwable) {
      if (!(throwable instanceof NotFoundException)) {
        LOG.debug("Capturing a container's log ended early", throwable);
      }
      finish();
    }

    @Override
    public void onComplete() {
      finish();
    }

    private void finish() {
      synchronized (lines) {
        partial.values().stream().filter(open -> open.length() > 0).forEach(open -> lines.add(open.toString()));
        partial.clear();
      }
      end.countDown();
    }

    boolean ended() {
      return end.getCount() == 0;
    }

    void awaitEnd(Duration atMost) {
      try {
        end.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    List<String> from(int first) {
      synchronized (lines) {
        return first >= lines.size() ? List.of() : List.copyOf(lines.subList(first, lines.size()));
      }
    }

    void closeQuietly() {
      try {
        close();
      } catch (IOException e) {
        LOG.trace("Closing a log capture failed", e);
      }
      end.countDown();
    }
  }
}
