package dev.berth.runtime.kubernetes;

import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.WorkloadSpec;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1ConfigMapKeySelector;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1HostPathVolumeSource;
import io.kubernetes.client.openapi.models.V1LocalObjectReference;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod template of a bot or backtest: the main container (argv from core's launch plan, limits always set,
 * no privilege escalation, every capability dropped, seccomp {@code RuntimeDefault}), its workspace as an
 * {@code emptyDir} at {@code /bot} or {@code /backtest}, {@code config.json} from the ConfigMap, secret env from
 * the Secret, an init container unpacking the code when there is any, and a small in-memory {@code emptyDir} at
 * {@value StreamTags#RUN_DIR} for the {@link StreamTags} wrapper that keeps stdout and stderr apart.
 */
final class PodTemplates {
  static final String WORKSPACE_VOLUME = "workspace";
  static final String INPUT_VOLUME = "berth-input";
  static final String INPUT_DIR = "/berth/input";
  static final String INIT_CONTAINER = "berth-init";
  static final String BUNDLE_URL_KEY = "berth-bundle-url";
  static final String RESULT_URL_KEY = "berth-result-url";
  static final String CONFIG_KEY = WorkloadSpec.CONFIG_FILE;
  static final String BACKTEST_CONTAINER = "backtest";
  /** Pod template annotation: a hash of config and secret env, so a change of either rolls the pod. */
  static final String CONFIG_HASH = "berth.dev/config-hash";

  /** Constant text: paths and the URL reach it as environment values, never interpolated. */
  static final String INIT_SCRIPT = "set -e\n"
      + "if [ -f /berth/input/bundle.tar.gz ]; then\n"
      + "  tar -xzf /berth/input/bundle.tar.gz -C \"$BERTH_WORKDIR\"\n"
      + "else\n"
      + "  wget -q -O /tmp/bundle.tar.gz \"$BERTH_BUNDLE_URL\"\n"
      + "  tar -xzf /tmp/bundle.tar.gz -C \"$BERTH_WORKDIR\"\n"
      + "  rm -f /tmp/bundle.tar.gz\n"
      + "fi\n";

  private final KubernetesSettings settings;

  /**
   * Text that reaches the process as written. The kubelet expands {@code $(NAME)} in a container's command, args
   * and env values and reduces {@code $$} to {@code $}; with every {@code $} doubled, neither happens. (Values
   * taken from a ConfigMap or Secret are not expanded.)
   */
  static String literal(String text) {
    return text.replace("$", "$$");
  }

  static List<String> literal(List<String> texts) {
    return texts.stream().map(PodTemplates::literal).toList();
  }

  /** Text as written, from its {@link #literal} form in a manifest. */
  static String asWritten(String literal) {
    return literal.replace("$$", "$");
  }

  /** The pods' {@code terminationGracePeriodSeconds}: the {@code stop-grace} setting, in whole seconds, at least 1. */
  static long gracePeriodSeconds(KubernetesSettings settings) {
    return Math.max(1, (settings.stopGrace().toMillis() + 999) / 1000);
  }

  PodTemplates(KubernetesSettings settings) {
    this.settings = settings;
  }

  /**
   * What a pod is built from.
   *
   * @param spec the workload
   * @param packed its code and launch plan
   * @param objectName the name of its ConfigMap and Secret
   * @param containerName {@code bot} or {@code backtest}
   * @param restartPolicy the pod's restart policy: {@code Always} (Deployments) or {@code Never} (Jobs)
   * @param command the main container's argv, the launch plan's under {@link StreamTags} (and the backtest wrapper)
   * @param resultUrl whether the Secret holds a presigned PUT URL for the result
   */
  record Inputs(WorkloadSpec spec, CodePackager.Packed packed, String objectName, String containerName,
      String restartPolicy, List<String> command, boolean resultUrl) {}

  V1PodTemplateSpec template(Inputs in) {
    WorkloadSpec spec = in.spec();
    WorkloadOptions options = WorkloadOptions.of(spec);
    String workdir = in.packed().plan().workingDirectory();
    Map<String, String> labels = new LinkedHashMap<>(settings.podLabels());
    labels.putAll(KubeLabels.forWorkload(settings.scope(), spec));
    Map<String, String> annotations = new LinkedHashMap<>(settings.podAnnotations());
    annotations.put(CONFIG_HASH, configHash(spec, options));
    V1ObjectMeta meta = new V1ObjectMeta().labels(KubeLabels.sorted(labels)).annotations(KubeLabels.sorted(annotations));
    V1PodSpec pod = new V1PodSpec().overhead(null).restartPolicy(in.restartPolicy())
        .terminationGracePeriodSeconds(gracePeriodSeconds(settings))
        .automountServiceAccountToken(settings.serviceAccount().isPresent())
        .securityContext(new V1PodSecurityContext().seccompProfile(new V1SeccompProfile().type("RuntimeDefault")));
    settings.serviceAccount().ifPresent(pod::serviceAccountName);
    settings.imagePullSecrets().forEach(name -> pod.addImagePullSecretsItem(new V1LocalObjectReference().name(name)));
    if (!settings.nodeSelector().isEmpty()) {
      pod.nodeSelector(KubeLabels.sorted(settings.nodeSelector()));
    }
    settings.tolerations().forEach(t -> pod.addTolerationsItem(toleration(t)));
    if (spec.networkMode().kind() == NetworkMode.Kind.HOST) {
      pod.hostNetwork(true);
    }
    pod.addVolumesItem(new V1Volume().name(WORKSPACE_VOLUME).emptyDir(new V1EmptyDirVolumeSource()));
    pod.addVolumesItem(new V1Volume().name(INPUT_VOLUME).configMap(new V1ConfigMapVolumeSource().name(in.objectName())));
    boolean tagged = !in.command().isEmpty();
    if (tagged) {
      pod.addVolumesItem(new V1Volume().name(StreamTags.RUN_VOLUME).emptyDir(new V1EmptyDirVolumeSource()
          .medium("Memory").sizeLimit(Quantity.fromString("1Mi"))));
    }
    if (in.packed().hasBundle()) {
      pod.addInitContainersItem(initContainer(in, workdir, options));
    }
    V1Container main = new V1Container().name(in.containerName()).image(spec.image())
        .imagePullPolicy(pullPolicy(spec.pullPolicy())).command(literal(in.command())).workingDir(workdir)
        .env(env(in)).resources(resources(spec)).securityContext(securityContext(options))
        .terminationMessagePath("/dev/termination-log").terminationMessagePolicy("File")
        .addVolumeMountsItem(new V1VolumeMount().name(WORKSPACE_VOLUME).mountPath(workdir))
        .addVolumeMountsItem(new V1VolumeMount().name(INPUT_VOLUME).mountPath(workdir + "/" + CONFIG_KEY)
            .subPath(CONFIG_KEY).readOnly(true));
    if (tagged) {
      main.addVolumeMountsItem(new V1VolumeMount().name(StreamTags.RUN_VOLUME).mountPath(StreamTags.RUN_DIR));
    }
    for (PortMapping port : ((spec instanceof dev.berth.runtime.BotSpec bot) ? bot.ports() : List.<PortMapping>of())) {
      main.addPortsItem(new V1ContainerPort().containerPort(port.containerPort())
          .protocol(port.protocol().name()));
    }
    int index = 0;
    for (Mount mount : spec.mounts()) {
      String name = "mount-" + index++;
      V1Volume volume = new V1Volume().name(name);
      if (mount.source().startsWith("/")) {
        volume.hostPath(new V1HostPathVolumeSource().path(mount.source()));
      } else {
        volume.persistentVolumeClaim(new V1PersistentVolumeClaimVolumeSource().claimName(mount.source())
            .readOnly(mount.readOnly()));
      }
      pod.addVolumesItem(volume);
      main.addVolumeMountsItem(new V1VolumeMount().name(name).mountPath(mount.target()).readOnly(mount.readOnly()));
    }
    pod.addContainersItem(main);
    return new V1PodTemplateSpec().metadata(meta).spec(pod);
  }

  private V1Container initContainer(Inputs in, String workdir, WorkloadOptions options) {
    V1Container init = new V1Container().name(INIT_CONTAINER).image(settings.initImage())
        .imagePullPolicy("IfNotPresent").command(literal(List.of("sh", "-c", INIT_SCRIPT)))
        .addEnvItem(new V1EnvVar().name("BERTH_WORKDIR").value(literal(workdir)))
        .resources(defaults()).securityContext(securityContext(options))
        .addVolumeMountsItem(new V1VolumeMount().name(WORKSPACE_VOLUME).mountPath(workdir))
        .addVolumeMountsItem(new V1VolumeMount().name(INPUT_VOLUME).mountPath(INPUT_DIR).readOnly(true));
    if (in.packed().url().isPresent()) {
      init.addEnvItem(secretEnv("BERTH_BUNDLE_URL", in.objectName(), BUNDLE_URL_KEY));
    }
    return init;
  }

  /** Config and secret env reach the pod through references, so the template changes with their hash. */
  static String configHash(WorkloadSpec spec, WorkloadOptions options) {
    StringBuilder text = new StringBuilder(spec.config());
    new java.util.TreeSet<>(options.secretEnv()).forEach(name -> text.append('\0').append(name).append('=')
        .append(spec.env().get(name)));
    return KubeLabels.hash(text.toString()).substring(0, 16);
  }

  private List<V1EnvVar> env(Inputs in) {
    WorkloadOptions options = WorkloadOptions.of(in.spec());
    List<V1EnvVar> env = new ArrayList<>();
    in.packed().plan().environment().forEach((name, value) -> {
      if (options.secretEnv().contains(name)) {
        env.add(secretEnv(name, in.objectName(), name));
      } else if (name.equals(WorkloadSpec.BOT_CONFIG_ENV)) {
        env.add(new V1EnvVar().name(name).valueFrom(new V1EnvVarSource().configMapKeyRef(
            new V1ConfigMapKeySelector().name(in.objectName()).key(CONFIG_KEY))));
      } else {
        env.add(new V1EnvVar().name(name).value(literal(value)));
      }
    });
    if (in.resultUrl()) {
      env.add(secretEnv("BERTH_RESULT_URL", in.objectName(), RESULT_URL_KEY));
    }
    return env;
  }

  private static V1EnvVar secretEnv(String name, String secret, String key) {
    return new V1EnvVar().name(name).valueFrom(new V1EnvVarSource().secretKeyRef(
        new V1SecretKeySelector().name(secret).key(key)));
  }

  /** Limits always set (the spec's, else the defaults); requests the defaults, never above the limits. */
  V1ResourceRequirements resources(WorkloadSpec spec) {
    KubernetesSettings.ResourceDefaults d = settings.resourceDefaults();
    String memoryLimit = spec.resources().memoryBytes() > 0 ? bytes(spec.resources().memoryBytes())
        : d.memoryLimit();
    String cpuLimit = spec.resources().cpuMillis() > 0 ? spec.resources().cpuMillis() + "m" : d.cpuLimit();
    return requirements(atMost(d.cpuRequest(), cpuLimit), atMost(d.memoryRequest(), memoryLimit),
        Quantity.fromString(cpuLimit), Quantity.fromString(memoryLimit));
  }

  private static V1ResourceRequirements requirements(Quantity cpuRequest, Quantity memoryRequest, Quantity cpuLimit,
      Quantity memoryLimit) {
    Map<String, Quantity> requests = new TreeMap<>();
    requests.put("cpu", cpuRequest);
    requests.put("memory", memoryRequest);
    Map<String, Quantity> limits = new TreeMap<>();
    limits.put("cpu", cpuLimit);
    limits.put("memory", memoryLimit);
    return new V1ResourceRequirements().requests(new LinkedHashMap<>(requests)).limits(new LinkedHashMap<>(limits));
  }

  /** A byte count as the quantity people write: {@code 256Mi} rather than {@code 268435456}. */
  static String bytes(long bytes) {
    String[] units = {"Ki", "Mi", "Gi", "Ti"};
    String unit = "";
    long value = bytes;
    for (int i = 0; i < units.length && value % 1024 == 0 && value >= 1024; i++) {
      value /= 1024;
      unit = units[i];
    }
    return value + unit;
  }

  private V1ResourceRequirements defaults() {
    KubernetesSettings.ResourceDefaults d = settings.resourceDefaults();
    return requirements(Quantity.fromString(d.cpuRequest()), Quantity.fromString(d.memoryRequest()),
        Quantity.fromString(d.cpuLimit()), Quantity.fromString(d.memoryLimit()));
  }

  private static Quantity atMost(String request, String limit) {
    Quantity r = Quantity.fromString(request);
    Quantity l = Quantity.fromString(limit);
    return r.getNumber().compareTo(l.getNumber()) <= 0 ? r : l;
  }

  private V1SecurityContext securityContext(WorkloadOptions options) {
    V1SecurityContext context = new V1SecurityContext().allowPrivilegeEscalation(false)
        .capabilities(new V1Capabilities().drop(List.of("ALL")))
        .seccompProfile(new V1SeccompProfile().type("RuntimeDefault"));
    if (options.runAsNonRoot().orElse(settings.runAsNonRoot())) {
      context.runAsNonRoot(true);
    }
    options.runAsUser().ifPresent(context::runAsUser);
    return context;
  }

  private static V1Toleration toleration(KubernetesSettings.Toleration t) {
    V1Toleration toleration = new V1Toleration().key(t.key());
    if (t.value().isEmpty()) {
      toleration.operator("Exists");
    } else {
      toleration.operator("Equal").value(t.value());
    }
    if (!t.effect().isEmpty()) {
      toleration.effect(t.effect());
    }
    return toleration;
  }

  static String pullPolicy(PullPolicy policy) {
    return switch (policy) {
      case ALWAYS -> "Always";
      case NEVER -> "Never";
      default -> "IfNotPresent";
    };
  }
}
