package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A container's environment as the kubelet computes it: {@code envFrom}, then {@code env} with {@code $(VAR)}
 * references expanded and {@code valueFrom} resolved ({@code secretKeyRef}, {@code configMapKeyRef},
 * {@code fieldRef}). A missing Secret or ConfigMap key that is not optional is a
 * {@code CreateContainerConfigError}, reported through {@link PodVolumes.NotReady}.
 */
final class EnvResolver {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private final SimApi api;
  private final V1Pod pod;
  private final String podIp;

  EnvResolver(SimApi api, V1Pod pod, String podIp) {
    this.api = api;
    this.pod = pod;
    this.podIp = podIp;
  }

  Map<String, String> resolve(V1Container container) throws PodVolumes.NotReady, ApiException {
    Map<String, String> env = new LinkedHashMap<>();
    for (V1EnvFromSource from : Objects.requireNonNullElse(container.getEnvFrom(), List.<V1EnvFromSource>of())) {
      String prefix = Objects.requireNonNullElse(from.getPrefix(), "");
      if (from.getConfigMapRef() != null) {
        configMap(from.getConfigMapRef().getName(), from.getConfigMapRef().getOptional())
            .forEach((k, v) -> env.put(prefix + k, v));
      }
      if (from.getSecretRef() != null) {
        secret(from.getSecretRef().getName(), from.getSecretRef().getOptional())
            .forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    for (V1EnvVar var : Objects.requireNonNullElse(container.getEnv(), List.<V1EnvVar>of())) {
      String value = var.getValueFrom() == null ? expand(Objects.requireNonNullElse(var.getValue(), ""), env)
          : valueFrom(var.getName(), var.getValueFrom());
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  /** {@code $(NAME)} replaced by the variable's value when it is defined, {@code $$} by {@code $}. */
  static String expand(String text, Map<String, String> env) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = m.group(1) == null ? "$" : env.getOrDefault(m.group(1), m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    return m.appendTail(out).toString();
  }

  static List<String> expand(List<String> texts, Map<String, String> env) {
    return texts == null ? null : texts.stream().map(t -> expand(t, env)).collect(Collectors.toList());
  }

  private String valueFrom(String name, V1EnvVarSource source) throws PodVolumes.NotReady, ApiException {
    if (source.getSecretKeyRef() != null) {
      var ref = source.getSecretKeyRef();
      return key(secret(ref.getName(), ref.getOptional()), ref.getKey(), ref.getOptional(), "secret " + ref.getName());
    }
    if (source.getConfigMapKeyRef() != null) {
      var ref = source.getConfigMapKeyRef();
      return key(configMap(ref.getName(), ref.getOptional()), ref.getKey(), ref.getOptional(),
          "configmap " + ref.getName());
    }
    if (source.getFieldRef() != null) {
      return field(source.getFieldRef().getFieldPath());
    }
    throw new PodVolumes.NotReady("env " + name + ": only secretKeyRef, configMapKeyRef and fieldRef are simulated");
  }

  private String field(String path) {
    Matcher label = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
    if (label.matches()) {
      Map<String, String> map = "labels".equals(label.group(1)) ? pod.getMetadata().getLabels()
          : pod.getMetadata().getAnnotations();
      return map == null ? "" : map.getOrDefault(label.group(2), "");
    }
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> api.namespace;
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.nodeName" -> Kubelet.NODE_NAME;
      case "spec.serviceAccountName" -> Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "default");
      case "status.podIP", "status.hostIP" -> podIp;
      default -> "";
    };
  }

  private static String key(Map<String, String> values, String key, Boolean optional, String what)
      throws PodVolumes.NotReady {
    if (values.containsKey(key) || Boolean.TRUE.equals(optional)) {
      return values.get(key);
    }
    throw new PodVolumes.NotReady("couldn't find key " + key + " in " + what);
  }

  private Map<String, String> configMap(String name, Boolean optional) throws PodVolumes.NotReady, ApiException {
    try {
      V1ConfigMap map = api.core.readNamespacedConfigMap(name, api.namespace).execute();
      return Objects.requireNonNullElse(map.getData(), Map.of());
    } catch (ApiException e) {
      return missing(e, optional, "configmap \"" + name + "\" not found");
    }
  }

  private Map<String, String> secret(String name, Boolean optional) throws PodVolumes.NotReady, ApiException {
    try {
      V1Secret secret = api.core.readNamespacedSecret(name, api.namespace).execute();
      Map<String, String> values = new LinkedHashMap<>();
      Objects.requireNonNullElse(secret.getData(), Map.<String, byte[]>of())
          .forEach((k, v) -> values.put(k, new String(v, StandardCharsets.UTF_8)));
      Objects.requireNonNullElse(secret.getStringData(), Map.<String, String>of()).forEach(values::put);
      return values;
    } catch (ApiException e) {
      return missing(e, optional, "secret \"" + name + "\" not found");
    }
  }

  private static Map<String, String> missing(ApiException e, Boolean optional, String message)
      throws PodVolumes.NotReady, ApiException {
    if (!SimApi.notFound(e)) {
      throw e;
    }
    if (Boolean.TRUE.equals(optional)) {
      return Map.of();
    }
    throw new PodVolumes.NotReady(message);
  }
}
