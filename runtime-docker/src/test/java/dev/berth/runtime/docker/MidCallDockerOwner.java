package dev.berth.runtime.docker;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.FileSystemObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The JVM that {@link DockerOwnerKilledMidCallTest} kills with SIGKILL in the middle of a call; it prints a
 * marker once the call is under way:
 * <ul>
 *   <li>{@code update}: starts a bot that ignores SIGTERM, prints {@code UPDATING <container>} and changes its
 *       env: the replacement container is created, then the old one is stopped with a 60 s grace, and the test
 *       kills this JVM when Docker reports that SIGTERM;</li>
 *   <li>{@code create}: creates a bot from a stored bundle (store directory: third argument) whose download
 *       sends half the archive, prints {@code MID-CREATE} and hangs;</li>
 *   <li>{@code start}: creates a bot, prints {@code STARTING <container>}, starts it, prints {@code STARTED};</li>
 *   <li>{@code backtest}: submits a backtest that runs for two seconds and writes a result, prints
 *       {@code RUNNING} once it runs.</li>
 * </ul>
 *
 * <p>Arguments: scope, action, and for {@code create} the store directory.
 */
public final class MidCallDockerOwner {
  static final String STUBBORN = "trap '' TERM; echo up; while :; do sleep 1; done";

  private MidCallDockerOwner() {}

  public static void main(String[] args) throws InterruptedException {
    String scope = args[0];
    if (args[1].equals("backtest")) {
      BacktestRunner runner = DockerBacktestRunner.builder().scope(scope).workDir(DockerTestSupport.workDir())
          .noObjectStore().build();
      runner.submit(BacktestSpec.builder("bt").image(DockerTestSupport.IMAGE).command("sh", "-c",
          "echo started; sleep 2; printf '{\"pnl\":7}' > result.json; echo done").build());
      while (runner.status("bt").state() == BacktestState.PENDING) {
        Thread.onSpinWait();
      }
      say("RUNNING");
    } else if (args[1].equals("create")) {
      DockerRuntime runtime = DockerTestSupport.runtime(scope).objectStore(new HalfDownload(
          new FileSystemObjectStore(Path.of(args[2])))).build();
      runtime.create(BotSpec.builder("bot").image(DockerTestSupport.IMAGE).codeBundle(CodeBundle.stored("bundle.zip"))
          .command("sh", "run.sh").build());
      say("CREATED");
    } else if (args[1].equals("start")) {
      DockerRuntime runtime = DockerTestSupport.runtime(scope).build();
      runtime.create(BotSpec.builder("bot").image(DockerTestSupport.IMAGE).command("sh", "-c",
          "trap 'exit 0' TERM; echo up; while :; do sleep 1000 & wait $!; done").build());
      say("STARTING " + runtime.status("bot").runtimeId());
      runtime.start("bot");
      say("STARTED");
    } else {
      DockerRuntime runtime = DockerTestSupport.runtime(scope).stopGrace(Duration.ofSeconds(60)).build();
      runtime.create(BotSpec.builder("bot").image(DockerTestSupport.IMAGE).command("sh", "-c", STUBBORN).build());
      runtime.start("bot");
      say("UPDATING " + runtime.status("bot").runtimeId());
      runtime.update("bot", BotUpdate.builder().env(Map.of("NEXT", "1")).build());
      say("UPDATED");
    }
    new CountDownLatch(1).await(); // until SIGKILL
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** A store whose download of an object sends the first half, says so, and then hangs. */
  private static final class HalfDownload implements ObjectStore {
    private final ObjectStore delegate;

    HalfDownload(ObjectStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<InputStream> get(String bucket, String key) {
      return delegate.getBytes(bucket, key).map(b -> new SequenceInputStream(
          new ByteArrayInputStream(b, 0, b.length / 2), new InputStream() {
            @Override
            public int read() throws IOException {
              say("MID-CREATE");
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IOException("interrupted");
            }
          }));
    }

    @Override
    public void put(String bucket, String key, InputStream data, long length, String contentType) {
      delegate.put(bucket, key, data, length, contentType);
    }

    @Override
    public boolean exists(String bucket, String key) {
      return delegate.exists(bucket, key);
    }

    @Override
    public List<ObjectInfo> list(String bucket, String prefix) {
      return delegate.list(bucket, prefix);
    }

    @Override
    public Optional<ObjectInfo> stat(String bucket, String key) {
      return delegate.stat(bucket, key);
    }

    @Override
    public void delete(String bucket, String key) {
      delegate.delete(bucket, key);
    }

    @Override
    public URI presignedGet(String bucket, String key, Duration expiry) {
      return delegate.presignedGet(bucket, key, expiry);
    }

    @Override
    public URI presignedPut(String bucket, String key, Duration expiry) {
      return delegate.presignedPut(bucket, key, expiry);
    }
  }
}
