package dev.berth.runtime.kubernetes;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Kubernetes backend's settings, read once from a {@link RuntimeConfig} (keys {@code kubernetes.*} and the
 * common ones) or set on a {@link KubernetesBuilder}. Unset connection settings fall back to the in-cluster
 * service account, then to the kubeconfig (see {@link KubeConnection}).
 */
record KubernetesSettings(
    String scope,
    Optional<String> apiUrl,
    Optional<String> token,
    Optional<Path> tokenFile,
    Optional<Path> caFile,
    boolean insecure,
    Optional<Path> kubeconfig,
    Optional<String> context,
    Optional<String> namespace,
    Optional<String> serviceAccount,
    List<String> imagePullSecrets,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    Map<String, String> podLabels,
    Map<String, String> podAnnotations,
    ResourceDefaults resourceDefaults,
    boolean runAsNonRoot,
    String initImage,
    long configMapBundleLimit,
    Duration bundleUrlExpiry,
    Duration startTimeout,
    Duration jobTtl,
    Duration pollInterval,
    Optional<String> hostAddress,
    Path workDir,
    Duration stopGrace) {

  static final String API_URL = "kubernetes.api-url";
  static final String TOKEN = "kubernetes.token";
  static final String TOKEN_FILE = "kubernetes.token-file";
  static final String CA_FILE = "kubernetes.ca-file";
  static final String INSECURE = "kubernetes.insecure-skip-tls-verify";
  static final String KUBECONFIG = "kubernetes.kubeconfig";
  static final String CONTEXT = "kubernetes.context";
  static final String NAMESPACE = "kubernetes.namespace";
  static final String SERVICE_ACCOUNT = "kubernetes.service-account";
  static final String IMAGE_PULL_SECRETS = "kubernetes.image-pull-secrets";
  static final String NODE_SELECTOR = "kubernetes.node-selector";
  static final String TOLERATIONS = "kubernetes.tolerations";
  static final String POD_LABELS = "kubernetes.pod-labels";
  static final String POD_ANNOTATIONS = "kubernetes.pod-annotations";
  static final String CPU_REQUEST = "kubernetes.default-cpu-request";
  static final String MEMORY_REQUEST = "kubernetes.default-memory-request";
  static final String CPU_LIMIT = "kubernetes.default-cpu-limit";
  static final String MEMORY_LIMIT = "kubernetes.default-memory-limit";
  static final String RUN_AS_NON_ROOT = "kubernetes.run-as-non-root";
  static final String INIT_IMAGE = "kubernetes.init-image";
  static final String CONFIGMAP_BUNDLE_LIMIT = "kubernetes.configmap-bundle-limit";
  static final String BUNDLE_URL_EXPIRY = "kubernetes.bundle-url-expiry";
  static final String START_TIMEOUT = "kubernetes.start-timeout";
  static final String JOB_TTL = "kubernetes.job-ttl";
  static final String POLL_INTERVAL = "kubernetes.poll-interval";
  static final String HOST_ADDRESS = "kubernetes.host-address";
  static final String WORK_DIR = "kubernetes.work-dir";

  /** Every key this backend understands in its own namespace. */
  static final Set<String> KEYS = Set.of(API_URL, TOKEN, TOKEN_FILE, CA_FILE, INSECURE, KUBECONFIG, CONTEXT,
      NAMESPACE, SERVICE_ACCOUNT, IMAGE_PULL_SECRETS, NODE_SELECTOR, TOLERATIONS, POD_LABELS, POD_ANNOTATIONS,
      CPU_REQUEST, MEMORY_REQUEST, CPU_LIMIT, MEMORY_LIMIT, RUN_AS_NON_ROOT, INIT_IMAGE, CONFIGMAP_BUNDLE_LIMIT,
      BUNDLE_URL_EXPIRY, START_TIMEOUT, JOB_TTL, POLL_INTERVAL, HOST_ADDRESS, WORK_DIR);

  static final String DEFAULT_INIT_IMAGE = "busybox:1.36";
  static final long DEFAULT_CONFIGMAP_BUNDLE_LIMIT = 512 * 1024;
  /** The longest a presigned S3 URL may live: a pod rescheduled later still fetches its code. */
  static final Duration DEFAULT_BUNDLE_URL_EXPIRY = Duration.ofDays(7);
  static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);
  static final Duration DEFAULT_JOB_TTL = Duration.ofHours(1);
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

  /**
   * A toleration: {@code key[=value][:Effect]}; without a value the operator is {@code Exists}.
   *
   * @param key the taint key
   * @param value the taint value, empty for {@code Exists}
   * @param effect {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}, or empty for all
   */
  record Toleration(String key, String value, String effect) {}

  /**
   * Requests and limits every container gets where the spec sets none, as Kubernetes quantities.
   *
   * @param cpuRequest e.g. {@code 100m}
   * @param memoryRequest e.g. {@code 128Mi}
   * @param cpuLimit e.g. {@code 1}
   * @param memoryLimit e.g. {@code 512Mi}
   */
  record ResourceDefaults(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {}

  /** Validates the keys (did-you-mean for typos) and reads every setting. */
  static KubernetesSettings from(RuntimeConfig config) {
    config.requireKnownKeys("kubernetes", KEYS);
    return new KubernetesSettings(
        config.scope(),
        text(config, API_URL),
        text(config, TOKEN),
        config.getPath(TOKEN_FILE),
        config.getPath(CA_FILE),
        config.getBoolean(INSECURE, false),
        config.getPath(KUBECONFIG),
        text(config, CONTEXT),
        text(config, NAMESPACE),
        text(config, SERVICE_ACCOUNT),
        list(config.get(IMAGE_PULL_SECRETS).orElse("")),
        pairs(config, NODE_SELECTOR),
        tolerations(config),
        pairs(config, POD_LABELS),
        pairs(config, POD_ANNOTATIONS),
        new ResourceDefaults(quantity(config, CPU_REQUEST, "100m"), quantity(config, MEMORY_REQUEST, "128Mi"),
            quantity(config, CPU_LIMIT, "1"), quantity(config, MEMORY_LIMIT, "512Mi")),
        config.getBoolean(RUN_AS_NON_ROOT, false),
        config.get(INIT_IMAGE, DEFAULT_INIT_IMAGE).trim(),
        config.getSize(CONFIGMAP_BUNDLE_LIMIT, DEFAULT_CONFIGMAP_BUNDLE_LIMIT),
        positive(config, BUNDLE_URL_EXPIRY, DEFAULT_BUNDLE_URL_EXPIRY),
        positive(config, START_TIMEOUT, DEFAULT_START_TIMEOUT),
        notNegative(config, JOB_TTL, DEFAULT_JOB_TTL),
        positive(config, POLL_INTERVAL, DEFAULT_POLL_INTERVAL),
        text(config, HOST_ADDRESS),
        config.getPath(WORK_DIR).orElseGet(() -> Path.of(System.getProperty("user.home"), ".berth", "kubernetes"))
            .resolve(config.scope()),
        config.stopGrace());
  }

  private static Duration positive(RuntimeConfig config, String key, Duration defaultValue) {
    Duration value = config.getDuration(key, defaultValue);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidConfigException(key, "Config key '" + key + "' = '" + config.get(key).orElse("") + "' must be "
          + "a positive duration such as " + defaultValue.toMillis() + "ms; fix the value or remove the key");
    }
    return value;
  }

  private static Duration notNegative(RuntimeConfig config, String key, Duration defaultValue) {
    Duration value = config.getDuration(key, defaultValue);
    if (value.isNegative()) {
      throw new InvalidConfigException(key, "Config key '" + key + "' = '" + config.get(key).orElse("") + "' must "
          + "not be negative; fix the value or remove the key");
    }
    return value;
  }

  private static Optional<String> text(RuntimeConfig config, String key) {
    return config.get(key).map(String::trim).filter(v -> !v.isEmpty());
  }

  static List<String> list(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Map<String, String> pairs(RuntimeConfig config, String key) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String item : list(config.get(key).orElse(""))) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new InvalidConfigException(key, "Config key '" + key + "' entry '" + item + "' is not key=value; "
            + "write e.g. " + key + "=team=research,tier=batch");
      }
      pairs.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return pairs;
  }

  private static List<Toleration> tolerations(RuntimeConfig config) {
    List<Toleration> tolerations = new ArrayList<>();
    for (String item : list(config.get(TOLERATIONS).orElse(""))) {
      String effect = "";
      String rest = item;
      int colon = item.lastIndexOf(':');
      if (colon >= 0) {
        effect = item.substring(colon + 1).trim();
        rest = item.substring(0, colon).trim();
        if (!Set.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
          throw new InvalidConfigException(TOLERATIONS, "Config key '" + TOLERATIONS + "' entry '" + item
              + "' has effect '" + effect + "'; use NoSchedule, PreferNoSchedule or NoExecute");
        }
      }
      int eq = rest.indexOf('=');
      String key = eq < 0 ? rest : rest.substring(0, eq).trim();
      if (key.isEmpty()) {
        throw new InvalidConfigException(TOLERATIONS, "Config key '" + TOLERATIONS + "' entry '" + item
            + "' has no key; write key[=value][:Effect], e.g. dedicated=bots:NoSchedule");
      }
      tolerations.add(new Toleration(key, eq < 0 ? "" : rest.substring(eq + 1).trim(), effect));
    }
    return tolerations;
  }

  private static String quantity(RuntimeConfig config, String key, String defaultValue) {
    String value = config.get(key, defaultValue).trim();
    if (!value.matches("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?")) {
      throw new InvalidConfigException(key, "Config key '" + key + "' = '" + value + "' is not a Kubernetes "
          + "quantity; write e.g. 250m (CPU) or 256Mi (memory)");
    }
    return value;
  }
}
