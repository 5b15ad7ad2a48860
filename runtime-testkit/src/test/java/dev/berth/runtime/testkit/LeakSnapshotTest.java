package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** What the leak checks count, and what they leave to the fixtures a test declares. */
class LeakSnapshotTest {
  private static final Set<Path> NO_FILES = Set.of();

  @Test
  void aNewConnectionAndThreadAreGrowthUnlessAFixtureClaimsThem() throws Exception {
    assumeTrue(LeakSnapshot.descriptorsKnown(), "no /proc/self/fd here");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      Fixtures serverIsFixture = new Fixtures(t -> t.getName().equals("fixture-thread"),
          (local, remote) -> local == port, true);
      LeakSnapshot plain = LeakSnapshot.take(() -> NO_FILES, Fixtures.NONE);
      LeakSnapshot declared = LeakSnapshot.take(() -> NO_FILES, serverIsFixture);
      CountDownLatch stop = new CountDownLatch(1);
      Thread fixtureThread = new Thread(() -> await(stop), "fixture-thread");
      fixtureThread.setDaemon(true);
      fixtureThread.start();
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket accepted = server.accept()) {
        assertThat(accepted.getLocalPort()).isEqualTo(port);
        assertThat(LeakSnapshot.take(() -> NO_FILES, Fixtures.NONE).growthSince(plain))
            .as("without fixtures: both ends of the connection and the thread")
            .anySatisfy(line -> assertThat(line).contains("'fixture-thread'"))
            .anySatisfy(line -> assertThat(line).contains("open sockets (connections) grew from"))
            .anySatisfy(line -> assertThat(line).contains("TCP socket :" + port + " -> :"))
            .anySatisfy(line -> assertThat(line).contains("TCP socket :" + client.getLocalPort() + " -> :" + port));
        assertThat(LeakSnapshot.take(() -> NO_FILES, serverIsFixture).growthSince(declared))
            .as("the server's end and the thread are the fixture's; the client's end still counts")
            .noneSatisfy(line -> assertThat(line).contains("fixture-thread"))
            .anySatisfy(line -> assertThat(line).contains("TCP socket :" + client.getLocalPort() + " -> :" + port))
            .noneSatisfy(line -> assertThat(line).contains("TCP socket :" + port + " -> :"));
      } finally {
        stop.countDown();
        fixtureThread.join();
      }
    }
  }

  @Test
  void uncountedUnixSocketsAreLeftOutWhileTcpOnesStillCount() throws IOException {
    assumeTrue(LeakSnapshot.descriptorsKnown(), "no /proc/self/fd here");
    Fixtures tcpOnly = new Fixtures(t -> false, (local, remote) -> false, false);
    java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX).close(); // what the JDK opens once
    LeakSnapshot before = LeakSnapshot.take(() -> NO_FILES, tcpOnly);
    LeakSnapshot counting = LeakSnapshot.take(() -> NO_FILES, Fixtures.NONE);
    try (var unix = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      assertThat(unix.isOpen()).isTrue();
      assertThat(LeakSnapshot.take(() -> NO_FILES, Fixtures.NONE).growthSince(counting)).as("counted by default")
          .anySatisfy(line -> assertThat(line).contains("socket (not TCP)"));
      assertThat(LeakSnapshot.take(() -> NO_FILES, tcpOnly).growthSince(before)).as("a Unix socket, not counted")
          .isEmpty();
    }
    try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(LeakSnapshot.take(() -> NO_FILES, tcpOnly).growthSince(before)).as("a TCP socket still counts")
          .anySatisfy(line -> assertThat(line).contains("TCP socket :" + tcp.getLocalPort()));
    }
  }

  @Test
  void threadsOfAJvmWidePoolAreLeftOutOnlyWhileFewAreAlive() throws InterruptedException {
    Set<Thread> baseline = Threads.snapshot();
    var uncounted = Threads.uncounted(t -> false, t -> t.getName().equals("shared-pool"), 2);
    CountDownLatch stop = new CountDownLatch(1);
    java.util.List<Thread> pool = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Thread thread = new Thread(() -> await(stop), "shared-pool");
        thread.setDaemon(true);
        thread.start();
        pool.add(thread);
        if (i < 2) {
          assertThat(Threads.extra(baseline, uncounted)).as("%d pool thread(s): a pool", i + 1).isEmpty();
        }
      }
      assertThat(Threads.extra(baseline, uncounted)).as("three: more than the pool's limit, all reported")
          .hasSize(3).allSatisfy(line -> assertThat(line).startsWith("'shared-pool' ("));
    } finally {
      stop.countDown();
      for (Thread thread : pool) {
        thread.join();
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
