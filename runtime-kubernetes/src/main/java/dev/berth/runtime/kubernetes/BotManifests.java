package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.UnsupportedFeatureException;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.core.internal.BotSpecCodec;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1DeploymentStrategy;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The three objects of a bot: a Deployment (1 replica when running, 0 when stopped, strategy {@code Recreate} so
 * two copies never run at once), a ConfigMap (config, the spec for later updates, small code) and a Secret
 * (env marked secret, the code's presigned URL). Every object carries Berth's labels and sets
 * {@code apiVersion}/{@code kind}; ConfigMap and Secret are owned by the Deployment, so deleting it cascades.
 */
final class BotManifests {
  static final String CONTAINER = "bot";
  static final String SPEC_KEY = "spec.properties";

  private final KubernetesSettings settings;
  private final PodTemplates pods;

  BotManifests(KubernetesSettings settings) {
    this.settings = settings;
    this.pods = new PodTemplates(settings);
  }

  /** Rejects what this backend cannot run, every problem at once. */
  static void validate(WorkloadSpec spec) {
    List<String> problems = new ArrayList<>(KubeLabels.invalidLabels(KubeLabels.userLabels(spec.labels())));
    if (spec.image().isBlank()) {
      problems.add("image: is empty; the kubernetes runtime needs an image such as busybox:1.36");
    }
    if (spec instanceof BotSpec bot) {
      bot.ports().stream().filter(p -> p.hostPort() != 0).forEach(p -> problems.add("ports.hostPort: "
          + p.hostPort() + " cannot be published by the kubernetes runtime; use 0 and reach the bot at its pod IP "
          + "(address()) or through a Service"));
    }
    WorkloadOptions.of(spec);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), problems);
    }
    NetworkMode.Kind network = spec.networkMode().kind();
    if (network == NetworkMode.Kind.NONE || network == NetworkMode.Kind.NAMED) {
      throw new UnsupportedFeatureException("Network mode " + spec.networkMode() + " of " + spec.kind() + " '"
          + spec.id() + "' requires the docker runtime; Kubernetes pods use the pod network (DEFAULT) or the node's "
          + "(HOST). Restrict traffic with a NetworkPolicy instead.");
    }
    if (spec.registryCredentials().isPresent()) {
      throw new UnsupportedFeatureException("Registry credentials in the spec of " + spec.kind() + " '" + spec.id()
          + "' are not used by the kubernetes runtime; create a docker-registry Secret and name it in "
          + KubernetesSettings.IMAGE_PULL_SECRETS + ".");
    }
  }

  V1Deployment deployment(BotSpec spec, CodePackager.Packed packed, int replicas) {
    String name = KubeLabels.botName(settings.scope(), spec.id());
    Map<String, String> annotations = new TreeMap<>();
    annotations.put(KubeLabels.RESTART_POLICY, restartPolicy(spec.restartPolicy()));
    return new V1Deployment().apiVersion("apps/v1").kind("Deployment")
        .metadata(new V1ObjectMeta().name(name)
            .labels(KubeLabels.sorted(KubeLabels.forWorkload(settings.scope(), spec)))
            .annotations(new LinkedHashMap<>(annotations)))
        .spec(new V1DeploymentSpec().replicas(replicas).revisionHistoryLimit(2)
            .strategy(new V1DeploymentStrategy().type("Recreate"))
            .selector(new V1LabelSelector().matchLabels(KubeLabels.sorted(
                KubeLabels.selector(settings.scope(), spec.kind().label(), spec.id()))))
            .template(pods.template(new PodTemplates.Inputs(spec, packed, name, CONTAINER, "Always",
                StreamTags.wrap(packed.plan().command(), restartPolicy(spec.restartPolicy())), false))));
  }

  V1ConfigMap configMap(WorkloadSpec spec, CodePackager.Packed packed, String name) {
    Map<String, String> data = new TreeMap<>();
    data.put(PodTemplates.CONFIG_KEY, spec.config());
    if (spec instanceof BotSpec bot) {
      data.put(SPEC_KEY, specText(bot));
    }
    V1ConfigMap map = new V1ConfigMap().apiVersion("v1").kind("ConfigMap")
        .metadata(new V1ObjectMeta().name(name).annotations(null)
            .labels(KubeLabels.sorted(KubeLabels.forWorkload(settings.scope(), spec))))
        .data(new LinkedHashMap<>(data));
    packed.inline().ifPresent(archive -> map.binaryData(Map.of(CodePackager.BUNDLE_KEY, archive)));
    return map;
  }

  V1Secret secret(WorkloadSpec spec, CodePackager.Packed packed, String name, Map<String, String> extra) {
    Map<String, byte[]> data = new TreeMap<>();
    WorkloadOptions.of(spec).secretEnv().forEach(key -> data.put(key, bytes(spec.env().get(key))));
    packed.url().ifPresent(url -> data.put(PodTemplates.BUNDLE_URL_KEY, bytes(url.toString())));
    extra.forEach((key, value) -> data.put(key, bytes(value)));
    return new V1Secret().apiVersion("v1").kind("Secret").type("Opaque").stringData(null)
        .metadata(new V1ObjectMeta().name(name).annotations(null)
            .labels(KubeLabels.sorted(KubeLabels.forWorkload(settings.scope(), spec))))
        .data(new LinkedHashMap<>(data));
  }

  /**
   * The spec for later updates, without the values of secret env (those live in the Secret only), as sorted
   * properties lines without the date comment, so an unchanged spec gives the same text.
   */
  static String specText(BotSpec spec) {
    java.util.Set<String> secret = WorkloadOptions.of(spec).secretEnv();
    Map<String, String> env = new TreeMap<>(spec.env());
    secret.forEach(name -> env.put(name, ""));
    String text = BotSpecCodec.toText(spec.toBuilder().env(env).build());
    return text.lines().filter(line -> !line.startsWith("#")).sorted().collect(java.util.stream.Collectors.joining(
        "\n", "", "\n"));
  }

  /** The spec {@link #specText} stored, with the secret env values read back from the Secret. */
  static BotSpec spec(String text, Map<String, byte[]> secretData) {
    BotSpec stored = BotSpecCodec.fromText(text);
    Map<String, String> env = new TreeMap<>(stored.env());
    WorkloadOptions.of(stored).secretEnv().forEach(name -> env.put(name, new String(
        secretData.getOrDefault(name, new byte[0]), StandardCharsets.UTF_8)));
    return stored.toBuilder().env(env).build();
  }

  /** Makes {@code owner} the owner of {@code meta}'s object, so deleting the owner deletes it too. */
  static void ownedBy(V1ObjectMeta meta, String apiVersion, String kind, V1ObjectMeta owner) {
    meta.ownerReferences(List.of(new V1OwnerReference().apiVersion(apiVersion).kind(kind).name(owner.getName())
        .uid(owner.getUid()).blockOwnerDeletion(false).controller(false)));
  }

  static String restartPolicy(RestartPolicy policy) {
    return switch (policy.kind()) {
      case ALWAYS -> "always";
      case ON_FAILURE -> "on-failure:" + policy.maxRetries();
      default -> "never";
    };
  }

  static RestartPolicy restartPolicy(String text) {
    if (text == null || text.equals("never")) {
      return RestartPolicy.NEVER;
    }
    if (text.equals("always")) {
      return RestartPolicy.ALWAYS;
    }
    try {
      return RestartPolicy.onFailure(Integer.parseInt(text.substring(text.indexOf(':') + 1)));
    } catch (RuntimeException e) {
      return RestartPolicy.NEVER;
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
