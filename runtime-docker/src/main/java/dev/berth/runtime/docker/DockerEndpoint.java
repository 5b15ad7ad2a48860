package dev.berth.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Docker engine is and how to reach it, resolved the way the docker CLI does: explicit setting,
 * then {@code DOCKER_HOST}, then the Docker context ({@code DOCKER_CONTEXT} or {@code currentContext} in
 * {@code ~/.docker/config.json}), then the default socket. TLS follows {@code DOCKER_TLS_VERIFY} /
 * {@code DOCKER_CERT_PATH}, or the context's TLS directory.
 *
 * @param host the engine URI, e.g. {@code unix:///var/run/docker.sock}
 * @param tlsVerify whether to verify the engine's TLS certificate with the client certificates
 * @param certPath directory with {@code ca.pem}, {@code cert.pem}, {@code key.pem}
 * @param source where the host came from, for messages
 */
record DockerEndpoint(String host, boolean tlsVerify, Optional<Path> certPath, String source) {
  static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
  private static final ObjectMapper JSON = new ObjectMapper();

  static DockerEndpoint resolve(DockerSettings settings, Map<String, String> env) {
    Path configDir = Optional.ofNullable(env.get("DOCKER_CONFIG")).filter(s -> !s.isBlank()).map(Path::of)
        .orElse(Path.of(System.getProperty("user.home"), ".docker"));
    return resolve(settings, env, configDir);
  }

  static DockerEndpoint resolve(DockerSettings settings, Map<String, String> env, Path dockerConfigDir) {
    boolean envTls = Optional.ofNullable(env.get("DOCKER_TLS_VERIFY"))
        .map(v -> !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false")).orElse(false);
    boolean tls = settings.tlsVerify().orElse(envTls);
    Optional<Path> certPath = settings.certPath()
        .or(() -> Optional.ofNullable(env.get("DOCKER_CERT_PATH")).filter(s -> !s.isBlank()).map(Path::of));
    if (tls && certPath.isEmpty()) {
      certPath = Optional.of(dockerConfigDir);
    }
    if (settings.host().isPresent()) {
      return new DockerEndpoint(settings.host().get(), tls, certPath, DockerSettings.HOST);
    }
    String envHost = env.get("DOCKER_HOST");
    if (envHost != null && !envHost.isBlank()) {
      return new DockerEndpoint(envHost.trim(), tls, certPath, "DOCKER_HOST");
    }
    Optional<String> context = settings.context()
        .or(() -> Optional.ofNullable(env.get("DOCKER_CONTEXT")).filter(s -> !s.isBlank()))
        .or(() -> currentContext(dockerConfigDir));
    if (context.isPresent() && !context.get().equals("default")) {
      Optional<DockerEndpoint> fromContext = fromContext(dockerConfigDir, context.get(), tls, certPath);
      if (fromContext.isPresent()) {
        return fromContext.get();
      }
    }
    return new DockerEndpoint(DEFAULT_HOST, tls, certPath, "default");
  }

  private static Optional<String> currentContext(Path dockerConfigDir) {
    return readJson(dockerConfigDir.resolve("config.json"))
        .map(node -> node.path("currentContext").asText(""))
        .filter(name -> !name.isBlank());
  }

  private static Optional<DockerEndpoint> fromContext(Path dockerConfigDir, String context, boolean tls,
      Optional<Path> certPath) {
    String digest = sha256(context);
    Path meta = dockerConfigDir.resolve("contexts").resolve("meta").resolve(digest).resolve("meta.json");
    Optional<String> host = readJson(meta).map(node -> node.path("Endpoints").path("docker").path("Host")
        .asText("")).filter(h -> !h.isBlank());
    if (host.isEmpty()) {
      return Optional.empty();
    }
    Path tlsDir = dockerConfigDir.resolve("contexts").resolve("tls").resolve(digest).resolve("docker");
    boolean contextTls = Files.isDirectory(tlsDir);
    return Optional.of(new DockerEndpoint(host.get(), tls || contextTls,
        certPath.isPresent() && !contextTls ? certPath : contextTls ? Optional.of(tlsDir) : certPath,
        "Docker context '" + context + "'"));
  }

  private static Optional<JsonNode> readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
