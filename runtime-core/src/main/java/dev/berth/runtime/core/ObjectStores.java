package dev.berth.runtime.core;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.internal.ObjectKeys;
import dev.berth.runtime.spi.ObjectStoreProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Builds the object store a runtime's config asks for: the one rule every backend's builder and
 * {@code fromConfig} follow.
 *
 * <ul>
 *   <li>{@code store.type=filesystem} (the default unless an endpoint is set, see below): a
 *       {@link FileSystemObjectStore} in {@code store.root}, default {@code ~/.berth/store}, with one directory
 *       per bucket, named by {@code store.code-bucket}, {@code store.results-bucket} and
 *       {@code store.logs-bucket} as on S3. The keys of an S3 connection ({@code store.endpoint},
 *       {@code store.access-key}, {@code store.secret-key}, {@code store.secure}, {@code store.region},
 *       {@code store.create-buckets}) are rejected: they would be ignored.
 *   <li>{@code store.type=none}: no store; bots still run, but logs are not shipped, stored bundles cannot be
 *       used and backtest results are not stored. The other {@code store.*} keys are left unused, so the type
 *       alone switches the store off.
 *   <li>any other type (e.g. {@code minio} or {@code s3}, {@code minio} being the default when
 *       {@code store.endpoint} or the environment variable {@code MINIO_ENDPOINT} is set, so a deployment
 *       configured for MinIO needs no Berth setting): the {@link ObjectStoreProvider} of that type found on
 *       the class path; both come with {@code berth-runtime-minio}.
 * </ul>
 *
 * <pre>{@code
 * Optional<ObjectStore> store = ObjectStores.fromConfig(RuntimeConfig.fromEnvironment());  // BERTH_STORE_TYPE=none
 * }</pre>
 */
public final class ObjectStores {
  /** The store directory when {@code store.root} is not set. */
  public static final Path DEFAULT_ROOT = Path.of(System.getProperty("user.home"), ".berth", "store");

  /** Keys only an S3 store reads. */
  private static final List<String> S3_KEYS = List.of("store.endpoint", "store.access-key", "store.secret-key",
      "store.secure", "store.region", "store.create-buckets");
  /** The key naming each logical bucket's physical bucket (or directory). */
  private static final Map<String, String> BUCKET_KEYS = Map.of(ObjectStore.CODE_BUCKET, "store.code-bucket",
      ObjectStore.RESULTS_BUCKET, "store.results-bucket", ObjectStore.LOGS_BUCKET, "store.logs-bucket");

  /** The jar that brings each well-known provider, for the error when it is missing. */
  private static final Map<String, String> PROVIDER_JARS = Map.of(
      "minio", "berth-runtime-minio", "s3", "berth-runtime-minio");

  private ObjectStores() {}

  /**
   * The store configured by {@code store.type} and the other {@code store.*} keys.
   *
   * @throws InvalidConfigException for an unknown {@code store.type}, one whose provider jar is missing, or
   *     a setting the provider rejects
   */
  public static Optional<ObjectStore> fromConfig(RuntimeConfig config) {
    return fromConfig(config, System.getenv());
  }

  /** As {@link #fromConfig(RuntimeConfig)}, with the environment a deployment's {@code MINIO_ENDPOINT} is read from. */
  static Optional<ObjectStore> fromConfig(RuntimeConfig config, Map<String, String> environment) {
    boolean endpoint = config.get("store.endpoint").isPresent()
        || !environment.getOrDefault("MINIO_ENDPOINT", "").isBlank();
    String type = config.get("store.type", endpoint ? "minio" : "filesystem").trim().toLowerCase(Locale.ROOT);
    switch (type) {
      case "filesystem":
        reject(config, type, S3_KEYS, "S3 connection settings", "set store.type=minio (with "
            + "berth-runtime-minio) to connect to S3");
        return Optional.of(new FileSystemObjectStore(config.getPath("store.root").orElse(DEFAULT_ROOT),
            directories(config)));
      case "none":
        return Optional.empty();
      default:
        if (PROVIDER_JARS.containsKey(type)) {
          reject(config, type, List.of("store.root"), "the directory of a filesystem store",
              "set store.type=filesystem to keep objects there");
        }
        return Optional.of(provider(type).create(config));
    }
  }

  /** Keys the chosen type would ignore are an error, so a setting never silently does nothing. */
  private static void reject(RuntimeConfig config, String type, List<String> keys, String what, String fix) {
    List<String> present = keys.stream().filter(key -> config.get(key).isPresent()).toList();
    if (!present.isEmpty()) {
      throw new InvalidConfigException(present.get(0), "Config key" + (present.size() > 1 ? "s '" : " '")
          + String.join("', '", present) + "' (" + what + ") would be ignored with store.type=" + type + ": "
          + fix + ", or remove " + (present.size() > 1 ? "them" : "it"));
    }
  }

  private static Map<String, String> directories(RuntimeConfig config) {
    Map<String, String> directories = new java.util.HashMap<>();
    BUCKET_KEYS.forEach((bucket, key) -> config.get(key).map(String::trim).ifPresent(name -> {
      try {
        ObjectKeys.bucket(name);
      } catch (dev.berth.runtime.InvalidSpecException e) {
        throw new InvalidConfigException(key, "Config key '" + key + "' = '" + name + "' is not a valid bucket "
            + "name; use 3-63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
      }
      directories.put(bucket, name);
    }));
    return directories;
  }

  private static ObjectStoreProvider provider(String type) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader loader = context != null ? context : ObjectStores.class.getClassLoader();
    List<ObjectStoreProvider> matches = new ArrayList<>();
    TreeSet<String> known = new TreeSet<>(List.of("filesystem", "none"));
    List<String> failures = new ArrayList<>();
    Iterator<ObjectStoreProvider> iterator = ServiceLoader.load(ObjectStoreProvider.class, loader).iterator();
    // A broken provider must not hide the working ones: the iterator goes on after an error.
    for (int guard = 0; guard < 1000; guard++) {
      try {
        if (!iterator.hasNext()) {
          break;
        }
        ObjectStoreProvider provider = iterator.next();
        known.add(provider.type());
        if (provider.type().equals(type)) {
          matches.add(provider);
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        failures.add(e.getMessage());
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.size() > 1) {
      List<String> classes = new ArrayList<>();
      matches.forEach(p -> classes.add(p.getClass().getName()));
      throw new InvalidConfigException("store.type", "Config key 'store.type' = '" + type + "' matches "
          + matches.size() + " object store providers on the class path (" + String.join(", ", classes)
          + "); keep one copy of the jar that brings them");
    }
    String loadErrors = failures.isEmpty() ? "" : " Providers that failed to load: " + String.join("; ", failures)
        + ".";
    String jar = PROVIDER_JARS.get(type);
    if (jar != null) {
      throw new InvalidConfigException("store.type", "Config key 'store.type' = '" + type + "' needs " + jar
          + " on the class path: no object store provider of type '" + type + "' was found. Add the dependency "
          + "dev.berth:" + jar + ", or set store.type to one of " + String.join(", ", known) + "." + loadErrors);
    }
    throw new InvalidConfigException("store.type", "Config key 'store.type' = '" + type + "' is unknown; use "
        + String.join(", ", known) + " (minio and s3 come with berth-runtime-minio)." + loadErrors);
  }
}
