package dev.berth.runtime.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Fails a request at once when the engine's unix socket does not exist, instead of handing it to the HTTP
 * client. The client would retry it and log the retry at INFO ("recoverable I/O exception … request will
 * be automatically re-executed") under its own logger, in the log of every application that merely probed
 * for Docker; a library must not change that logger's level, so the request is not made at all.
 *
 * <p>A proxy rather than a class implementing {@link DockerHttpClient}: the interface's request and response
 * types carry annotations of a code generator that is not on the compile path, which the build, treating
 * warnings as errors, would reject.
 */
final class MissingSocketGuard {
  private MissingSocketGuard() {}

  /** {@code client}, guarded when {@code host} is a unix socket. */
  static DockerHttpClient wrap(DockerHttpClient client, String host) {
    Optional<Path> socket = socketPath(host);
    if (socket.isEmpty()) {
      return client;
    }
    InvocationHandler guard = (proxy, method, args) -> {
      if (method.getName().equals("execute") && !Files.exists(socket.get())) {
        throw new UncheckedIOException(new NoSuchFileException(socket.get().toString(), null, "no Docker socket"));
      }
      try {
        return method.invoke(client, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (DockerHttpClient) Proxy.newProxyInstance(DockerHttpClient.class.getClassLoader(),
        new Class<?>[] {DockerHttpClient.class}, guard);
  }

  /** The socket's path for a {@code unix://} host. */
  static Optional<Path> socketPath(String host) {
    if (!host.startsWith("unix://")) {
      return Optional.empty();
    }
    String path = URI.create(host).getPath();
    return path == null || path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path));
  }
}
