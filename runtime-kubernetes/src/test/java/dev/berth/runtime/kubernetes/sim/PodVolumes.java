package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A pod's volumes as host directories to bind-mount: {@code emptyDir} (one directory shared by the init and main
 * containers), {@code configMap} and {@code secret} ({@code data} and {@code binaryData}, {@code items} mapping
 * keys to paths, {@code defaultMode}/{@code mode}). A source that does not exist yet (and is not optional)
 * leaves the pod waiting, as a real kubelet does.
 */
final class PodVolumes {
  private final Path root;
  private final Map<String, Path> paths = new HashMap<>();
  private final Set<String> readOnly = new java.util.HashSet<>();

  private PodVolumes(Path root) {
    this.root = root;
  }

  /** Thrown while a volume's source is missing: the pod keeps waiting in {@code ContainerCreating}. */
  static final class NotReady extends Exception {
    private static final long serialVersionUID = 1L;

    NotReady(String message) {
      super(message);
    }
  }

  static PodVolumes materialize(Path root, V1Pod pod, SimApi api) throws NotReady, ApiException {
    PodVolumes volumes = new PodVolumes(root);
    List<V1Volume> declared = Objects.requireNonNullElse(pod.getSpec().getVolumes(), List.of());
    for (V1Volume volume : declared) {
      Path dir = directory(root.resolve("volumes").resolve(volume.getName()));
      if (volume.getConfigMap() != null) {
        V1ConfigMap map = read(() -> api.core.readNamespacedConfigMap(volume.getConfigMap().getName(),
            api.namespace).execute(), volume.getConfigMap().getOptional(), "configmap",
            volume.getConfigMap().getName());
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (map != null) {
          Objects.requireNonNullElse(map.getData(), Map.<String, String>of())
              .forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
          files.putAll(Objects.requireNonNullElse(map.getBinaryData(), Map.of()));
        }
        write(dir, files, volume.getConfigMap().getItems(), volume.getConfigMap().getDefaultMode());
        volumes.readOnly.add(volume.getName());
      } else if (volume.getSecret() != null) {
        V1Secret secret = read(() -> api.core.readNamespacedSecret(volume.getSecret().getSecretName(),
            api.namespace).execute(), volume.getSecret().getOptional(), "secret", volume.getSecret().getSecretName());
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (secret != null) {
          files.putAll(Objects.requireNonNullElse(secret.getData(), Map.of()));
          Objects.requireNonNullElse(secret.getStringData(), Map.<String, String>of())
              .forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        write(dir, files, volume.getSecret().getItems(), volume.getSecret().getDefaultMode());
        volumes.readOnly.add(volume.getName());
      } else {
        writable(dir);
      }
      volumes.paths.put(volume.getName(), dir);
    }
    return volumes;
  }

  /** The host directory of the named volume; null when the pod declares none by that name. */
  Path path(String volume) {
    return paths.get(volume);
  }

  /** Whether the volume is one the kubelet always mounts read-only (ConfigMaps and Secrets). */
  boolean readOnly(String volume) {
    return readOnly.contains(volume);
  }

  /** A host file the container's {@code terminationMessagePath} is bound to, writable by any user. */
  Path terminationFile(String container, int attempt) {
    Path file = directory(root.resolve("termination")).resolve(container + "-" + attempt);
    try {
      Files.write(file, new byte[0]);
      Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.values()));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes every file of the pod. */
  void delete() {
    deleteTree(root);
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Read<T> {
    T get() throws ApiException;
  }

  private static <T> T read(Read<T> read, Boolean optional, String kind, String name)
      throws NotReady, ApiException {
    try {
      return read.get();
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
      if (Boolean.TRUE.equals(optional)) {
        return null;
      }
      throw new NotReady(kind + " \"" + name + "\" not found");
    }
  }

  private static void write(Path dir, Map<String, byte[]> files, List<V1KeyToPath> items, Integer defaultMode) {
    try {
      if (items == null || items.isEmpty()) {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
          writeFile(dir.resolve(file.getKey()), file.getValue(), defaultMode);
        }
      } else {
        for (V1KeyToPath item : items) {
          if (files.containsKey(item.getKey())) {
            Integer mode = item.getMode() == null ? defaultMode : item.getMode();
            writeFile(dir.resolve(item.getPath()), files.get(item.getKey()), mode);
          }
        }
      }
      writable(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeFile(Path file, byte[] content, Integer mode) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    Files.setPosixFilePermissions(file, permissions(mode == null ? 0644 : mode));
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = new java.util.HashSet<>();
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << (8 - bit))) != 0) {
        set.add(all[bit]);
      }
    }
    return set;
  }

  private static void writable(Path dir) {
    try {
      Files.setPosixFilePermissions(dir, Set.of(PosixFilePermission.values()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path directory(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
