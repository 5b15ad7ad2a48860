package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.berth.runtime.RuntimeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A dockerd of the test's own, so a test may stop and start an engine while other tests use the shared
 * one: a unix socket, data root, exec root (with its own managed containerd), pid file and cgroup parent
 * under one temp directory, a bridge interface of its own and no iptables rules, so the shared engine's
 * networking is untouched. ({@code --bridge=none} is not an option: dockerd then deletes the host's
 * {@code docker0}, which the shared engine's containers need.) The test image is copied in from the shared engine (save/load,
 * never a pull). {@link #close} removes every container, stops the daemon (SIGKILL and its containerd
 * and shims too if it does not stop), unmounts what it left and deletes the directory, also when the test
 * failed; a JVM shutdown hook does the same if the test JVM ends first.
 */
final class PrivateDockerd implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(30);

  private final Path dir;
  private final String bridge;
  private final List<String> command;
  private final Thread hook;
  private Process process;

  private PrivateDockerd(Path dir, String dockerd) {
    this.dir = dir;
    this.bridge = "berth" + Integer.toHexString(Math.abs(dir.getFileName().hashCode()) & 0xffffff);
    String cgroupParent = "/" + dir.getFileName();
    this.command = List.of(dockerd, "--host", host(dir), "--data-root", dir.resolve("data").toString(),
        "--exec-root", dir.resolve("x").toString(), "--pidfile", dir.resolve("dockerd.pid").toString(),
        "--config-file", dir.resolve("daemon.json").toString(), "--bridge", bridge, "--iptables=false",
        "--ip-masq=false", "--ip-forward=false", "--cgroup-parent", cgroupParent, "--log-level", "warn");
    this.hook = new Thread(this::cleanUp, "berth-test-private-dockerd-cleanup");
  }

  /**
   * Starts a private engine holding {@link DockerTestSupport#IMAGE}. Skips the test with the reason when
   * {@code dockerd} is missing or the JVM is not root; fails it instead on CI ({@code CI=true}).
   */
  static PrivateDockerd start() {
    DockerTestSupport.requireEngine();
    Optional<Path> dockerd = executable("dockerd");
    String missing = dockerd.isEmpty() ? "no dockerd binary in /usr/sbin, /usr/bin or /usr/local/bin"
        : executable("ip").isEmpty() ? "no ip command (iproute2) to give the private dockerd a bridge"
        : !isRoot() ? "a private dockerd needs root and this JVM is not root" : null;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(missing).as("CI=true needs a private dockerd: %s", missing).isNull();
    }
    Assumptions.assumeTrue(missing == null, missing);
    Path dir;
    try { // short: the engine's and containerd's socket paths must fit in 108 bytes
      dir = Files.createTempDirectory(Path.of("/tmp"), "bd");
      Files.writeString(dir.resolve("daemon.json"), "{}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PrivateDockerd engine = new PrivateDockerd(dir, dockerd.get().toString());
    java.lang.Runtime.getRuntime().addShutdownHook(engine.hook);
    try {
      engine.addBridge();
      engine.startAgain();
      engine.loadTestImage();
      return engine;
    } catch (RuntimeException | Error e) {
      engine.close();
      throw e;
    }
  }

  /** The engine's address, e.g. {@code unix:///tmp/bd123/docker.sock}. */
  String host() {
    return host(dir);
  }

  /** A runtime builder on this engine. */
  DockerBuilder<DockerRuntime> runtime(String scope) {
    return DockerRuntime.builder().host(host()).scope(scope).workDir(DockerTestSupport.workDir()).noObjectStore();
  }

  /** A raw docker-java client on this engine. */
  DockerConnection connection() {
    return DockerConnection.open(DockerSettings.from(RuntimeConfig.of(Map.of(DockerSettings.HOST, host()))),
        Map.of());
  }

  /** Starts the daemon on the same data root and waits until it answers. */
  void startAgain() {
    assertThat(process == null || !process.isAlive()).as("dockerd already runs").isTrue();
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (DockerConnection connection = connection()) {
      await("private dockerd answering").atMost(READY).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
          .until(() -> {
            assertThat(process.isAlive()).as("dockerd exited; its log:%n%s", log()).isTrue();
            connection.ping();
            return true;
          });
    }
  }

  /** Stops the daemon the way an init system does (SIGTERM) and waits until it has exited. */
  void stop() {
    process.destroy();
    try {
      assertThat(process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("dockerd exits after SIGTERM").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The daemon's log so far, for failure messages. */
  String log() {
    try {
      return Files.readString(dir.resolve("dockerd.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void loadTestImage() {
    try (DockerConnection shared = DockerTestSupport.connection(); DockerConnection own = connection();
        InputStream image = shared.client().saveImageCmd(DockerTestSupport.IMAGE).exec()) {
      own.client().loadImageCmd(image).exec();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    cleanUp();
    try {
      java.lang.Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs cleanUp again, which finds nothing left
    }
  }

  private synchronized void cleanUp() {
    if (process != null && process.isAlive()) {
      try (DockerConnection connection = connection()) {
        for (Container container : connection.client().listContainersCmd().withShowAll(true).exec()) {
          connection.client().removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
        }
      } catch (RuntimeException e) {
        System.err.println("Removing the private engine's containers failed: " + e);
      }
      process.destroy();
      try {
        if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A daemon that died hard leaves its containerd and shims; every one names a path under dir.
    ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString()))
        .orElse(false)).forEach(ProcessHandle::destroyForcibly);
    unmountUnder();
    deleteRecursively(dir);
    removeCgroups();
    run("ip", "link", "delete", bridge);
  }

  /** A bridge in a subnet Docker's default pools do not use, so no route clashes with the shared engine's. */
  private void addBridge() {
    String address = "10.213." + (Math.abs(bridge.hashCode()) % 250 + 1) + ".1/24";
    for (List<String> argv : List.of(List.of("ip", "link", "add", bridge, "type", "bridge"),
        List.of("ip", "addr", "add", address, "dev", bridge), List.of("ip", "link", "set", bridge, "up"))) {
      assertThat(run(argv.toArray(String[]::new))).as("%s", argv).isZero();
    }
  }

  private static int run(String... argv) {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static Optional<Path> executable(String name) {
    return Stream.of("/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/", "/usr/local/bin/").map(d -> Path.of(d + name))
        .filter(Files::isExecutable).findFirst();
  }

  private void unmountUnder() {
    List<String> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] fields = line.split(" ");
        if (fields.length > 1 && fields[1].startsWith(dir.toString())) {
          mounts.add(fields[1]);
        }
      }
    } catch (IOException e) {
      return;
    }
    mounts.sort(Comparator.comparing(String::length).reversed());
    mounts.forEach(mount -> run("umount", "-l", mount));
  }

  private void removeCgroups() {
    try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      controllers.map(c -> c.resolve(dir.getFileName().toString())).filter(Files::isDirectory).forEach(parent -> {
        try (Stream<Path> children = Files.list(parent)) {
          children.filter(Files::isDirectory).forEach(PrivateDockerd::rmdirQuietly);
        } catch (IOException e) {
          // already gone
        }
        rmdirQuietly(parent);
      });
    } catch (IOException e) {
      // no cgroup file system
    }
  }

  private static void rmdirQuietly(Path cgroup) {
    try {
      Files.deleteIfExists(cgroup); // a cgroup directory is removed with rmdir, its files go with it
    } catch (IOException e) {
      // still in use or gone
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          // reported below
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("Removing " + root + " failed: " + e);
    }
  }

  private static String host(Path dir) {
    return "unix://" + dir.resolve("docker.sock");
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
          .anyMatch(l -> l.split("\\s+")[1].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }
}
