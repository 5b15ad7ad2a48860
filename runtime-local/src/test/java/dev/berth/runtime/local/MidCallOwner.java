package dev.berth.runtime.local;

import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
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
import java.util.stream.Stream;

/**
 * The JVM that {@link OwnerKilledMidCallTest} kills with SIGKILL in the middle of one call. It prints a
 * marker line when the call is under way and then never finishes on its own:
 * <ul>
 *   <li>{@code create}: creates a bot from a stored bundle whose download sends half the archive, prints
 *       {@code MID-CREATE} and then blocks, so the workspace is half extracted;</li>
 *   <li>{@code create-again}: the same create with a store that answers;</li>
 *   <li>{@code start}: creates a bot, prints {@code STARTING}, starts it, prints {@code STARTED};</li>
 *   <li>{@code update}: starts a bot that ignores SIGTERM (it touches {@code term} in the state directory when
 *       one arrives), prints {@code UPDATING} and updates its env, which stops it with a 60 s grace first;</li>
 *   <li>{@code backtest}: submits a backtest that runs until {@code go} appears in the state directory, then
 *       writes its result; prints {@code RUNNING} once it runs.</li>
 * </ul>
 * Every call's result is printed too, so a test that kills too late can tell.
 *
 * <p>Arguments: state directory, scope, action.
 */
public final class MidCallOwner {
  static final String SCOPE = "midcall";
  static final String IGNORE_TERM = "trap 'touch \"$1\"' TERM; echo up; while :; do sleep 0.05; done";
  static final String UNTIL_GO = "echo started; while [ ! -e \"$1\" ]; do sleep 0.05; done; "
      + "printf '{\"pnl\":7}' > result.json; echo done";

  private MidCallOwner() {}

  public static void main(String[] args) throws Exception {
    Path stateDir = Path.of(args[0]);
    String action = args[2];
    if (action.equals("backtest")) {
      dev.berth.runtime.BacktestRunner runner = LocalBacktestRunner.builder().stateDir(stateDir).scope(args[1]).noObjectStore()
          .build();
      runner.submit(BacktestSpec.builder("bt").command(LocalTestSupport.shBot("bt", UNTIL_GO,
          stateDir.resolve("go").toString()).build().command()).build());
      while (runner.status("bt").state() == dev.berth.runtime.BacktestState.PENDING) {
        Thread.onSpinWait();
      }
      say("RUNNING " + runner.status("bt").state());
      new CountDownLatch(1).await();
    }
    LocalRuntime.Builder builder = LocalRuntime.builder().stateDir(stateDir).scope(args[1])
        .stopGrace(Duration.ofSeconds(60));
    if (action.equals("create-again")) {
      builder.objectStore(new FileSystemObjectStore(stateDir.resolve("store")));
    } else if (action.equals("create")) {
      builder.objectStore(new HalfDownload(new FileSystemObjectStore(stateDir.resolve("store"))));
    } else {
      builder.noObjectStore();
    }
    LocalRuntime runtime = builder.build();
    switch (action) {
      case "create":
      case "create-again":
        runtime.create(BotSpec.builder("bot").codeBundle(CodeBundle.stored("bundle.zip"))
            .command("sh", "run.sh").build());
        say("CREATED");
        break;
      case "start":
        runtime.create(LocalTestSupport.shBot("bot", "trap 'exit 0' TERM; echo up; while :; do sleep 0.05; done")
            .build());
        say("STARTING");
        runtime.start("bot");
        say("STARTED " + runtime.status("bot").runtimeId());
        break;
      case "update":
        runtime.create(LocalTestSupport.shBot("bot", IGNORE_TERM, stateDir.resolve("term").toString()).build());
        runtime.start("bot");
        // "up" comes after the trap: only then does the update's SIGTERM reach a bot that ignores it.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          try (Stream<LogLine> lines = runtime.logs("bot", LogOptions.DEFAULT)) {
            return lines.anyMatch(line -> line.text().equals("up"));
          }
        });
        say("UPDATING " + runtime.status("bot").runtimeId());
        runtime.update("bot", BotUpdate.builder().env(Map.of("NEXT", "1")).build());
        say("UPDATED");
        break;
      default:
        throw new IllegalArgumentException(action);
    }
    new CountDownLatch(1).await(); // until SIGKILL
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** A store whose download of a bundle sends the first half, says so, and then hangs. */
  private static final class HalfDownload implements ObjectStore {
    private final ObjectStore delegate;

    HalfDownload(ObjectStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<InputStream> get(String bucket, String key) {
      Optional<byte[]> bytes = delegate.getBytes(bucket, key);
      return bytes.map(b -> new SequenceInputStream(new ByteArrayInputStream(b, 0, b.length / 2), new InputStream() {
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
