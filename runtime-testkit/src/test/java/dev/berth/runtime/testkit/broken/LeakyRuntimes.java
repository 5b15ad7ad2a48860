package dev.berth.runtime.testkit.broken;

import dev.berth.runtime.testkit.MockBacktestRunner;
import dev.berth.runtime.testkit.MockRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Runtimes and runners that keep something after close(); the kit's leak checks must reject each. */
final class LeakyRuntimes {
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** Held here so that no garbage collection closes them and hides the leak. */
  private static final List<InputStream> DESCRIPTORS = new CopyOnWriteArrayList<>();

  private LeakyRuntimes() {}

  /** Starts a named daemon thread per instance that close() never stops (a forgotten watcher). */
  static final class LeaksAThreadPerInstance extends ForwardingRuntime {
    LeaksAThreadPerInstance(MockRuntime delegate) {
      super(delegate);
      parkForever("berth-leaky-watcher-");
    }
  }

  /** Opens a file per instance that close() never closes (a forgotten log handle). */
  static final class LeaksADescriptorPerInstance extends ForwardingRuntime {
    LeaksADescriptorPerInstance(MockRuntime delegate) {
      super(delegate);
      try {
        DESCRIPTORS.add(Files.newInputStream(Path.of("/dev/null")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A runner that starts a named daemon thread per instance that close() never stops. */
  static final class RunnerLeaksAThreadPerInstance extends BrokenRunners.Forwarding {
    RunnerLeaksAThreadPerInstance(MockBacktestRunner delegate) {
      super(delegate);
      parkForever("berth-leaky-sweeper-");
    }
  }

  private static void parkForever(String prefix) {
    Thread thread = new Thread(() -> {
      while (true) {
        LockSupport.park();
      }
    }, prefix + THREADS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
  }
}
