package dev.berth.runtime.kubernetes.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Pods the controllers create from a template, named, labelled and owned the way real controllers do it. */
final class PodFactory {
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private PodFactory() {}

  static V1Pod fromTemplate(String name, V1PodTemplateSpec template, Map<String, String> extraLabels,
      V1OwnerReference owner) {
    V1ObjectMeta meta = template.getMetadata() == null ? new V1ObjectMeta() : template.getMetadata();
    Map<String, String> labels = new HashMap<>(Objects.requireNonNullElse(meta.getLabels(), Map.of()));
    labels.putAll(extraLabels);
    return new V1Pod().apiVersion("v1").kind("Pod")
        .metadata(new V1ObjectMeta().name(name).labels(labels).annotations(meta.getAnnotations())
            .ownerReferences(List.of(owner)))
        .spec(template.getSpec())
        .status(new V1PodStatus().phase("Pending"));
  }

  static V1OwnerReference owner(String apiVersion, String kind, V1ObjectMeta meta) {
    return new V1OwnerReference().apiVersion(apiVersion).kind(kind).name(meta.getName()).uid(meta.getUid())
        .controller(true).blockOwnerDeletion(true);
  }

  /** A short stable hash of the template, as the {@code pod-template-hash} label carries it. */
  static String templateHash(String templateJson) {
    String canonical = canonical(JsonParser.parseString(templateJson)).toString();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        out.append(ALPHABET.charAt((digest[i] & 0xff) % ALPHABET.length()));
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same JSON with object keys sorted: the API server may hand maps back in another order. */
  private static JsonElement canonical(JsonElement element) {
    if (element.isJsonObject()) {
      JsonObject sorted = new JsonObject();
      new TreeMap<>(element.getAsJsonObject().asMap()).forEach((k, v) -> sorted.add(k, canonical(v)));
      return sorted;
    }
    if (element.isJsonArray()) {
      JsonArray array = new JsonArray();
      element.getAsJsonArray().forEach(e -> array.add(canonical(e)));
      return array;
    }
    return element;
  }

  /** The five random characters real controllers append to generated pod names. */
  static String suffix() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  static boolean ownedBy(V1ObjectMeta meta, String uid) {
    return meta.getOwnerReferences() != null
        && meta.getOwnerReferences().stream().anyMatch(ref -> uid.equals(ref.getUid()));
  }
}
