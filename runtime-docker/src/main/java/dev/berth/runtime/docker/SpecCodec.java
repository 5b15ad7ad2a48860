package dev.berth.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link BotSpec} as JSON and reads it back, so {@code update} can derive the new spec in a JVM
 * that did not create the bot. Registry credentials are not written (no password on disk); an update that
 * changes the image pulls without them.
 */
final class SpecCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecCodec() {}

  static String write(BotSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", spec.id());
    root.put("image", spec.image());
    strings(root.putArray("command"), spec.command());
    spec.codeBundle().ifPresent(bundle -> {
      ObjectNode node = root.putObject("codeBundle");
      if (bundle instanceof CodeBundle.Directory) {
        node.put("directory", ((CodeBundle.Directory) bundle).path().toString());
      } else if (bundle instanceof CodeBundle.Archive) {
        node.put("archive", ((CodeBundle.Archive) bundle).path().toString());
      } else {
        CodeBundle.Stored stored = (CodeBundle.Stored) bundle;
        node.put("bucket", stored.bucket()).put("key", stored.key());
      }
    });
    spec.entrypoint().ifPresent(e -> root.put("entrypoint", e));
    spec.language().ifPresent(l -> root.put("language", l));
    map(root.putObject("env"), spec.env());
    root.put("config", spec.config());
    map(root.putObject("labels"), spec.labels());
    root.putObject("resources").put("memoryBytes", spec.resources().memoryBytes())
        .put("cpuMillis", spec.resources().cpuMillis()).put("pids", spec.resources().pids());
    root.putObject("networkMode").put("kind", spec.networkMode().kind().name())
        .put("name", spec.networkMode().name());
    ArrayNode ports = root.putArray("ports");
    spec.ports().forEach(p -> ports.addObject().put("containerPort", p.containerPort())
        .put("hostPort", p.hostPort()).put("protocol", p.protocol()));
    root.putObject("restartPolicy").put("kind", spec.restartPolicy().kind().name())
        .put("maxRetries", spec.restartPolicy().maxRetries());
    ArrayNode mounts = root.putArray("mounts");
    spec.mounts().forEach(m -> mounts.addObject().put("source", m.source()).put("target", m.target())
        .put("readOnly", m.readOnly()));
    root.put("pullPolicy", spec.pullPolicy().name());
    map(root.putObject("options"), spec.options());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BotSpec read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BotSpec.Builder builder = BotSpec.builder(root.path("id").asText())
        .image(root.path("image").asText(""))
        .command(strings(root.path("command")))
        .env(map(root.path("env")))
        .config(root.path("config").asText("{}"))
        .labels(map(root.path("labels")))
        .pullPolicy(PullPolicy.valueOf(root.path("pullPolicy").asText("IF_NOT_PRESENT")));
    JsonNode bundle = root.path("codeBundle");
    if (bundle.has("directory")) {
      builder.codeBundle(CodeBundle.directory(Path.of(bundle.get("directory").asText())));
    } else if (bundle.has("archive")) {
      builder.codeBundle(CodeBundle.archive(Path.of(bundle.get("archive").asText())));
    } else if (bundle.has("key")) {
      builder.codeBundle(CodeBundle.stored(bundle.get("bucket").asText(), bundle.get("key").asText()));
    }
    if (root.has("entrypoint")) {
      builder.entrypoint(root.get("entrypoint").asText());
    }
    if (root.has("language")) {
      builder.language(root.get("language").asText());
    }
    JsonNode resources = root.path("resources");
    builder.resources(new Resources(resources.path("memoryBytes").asLong(), resources.path("cpuMillis").asInt(),
        resources.path("pids").asInt()));
    JsonNode network = root.path("networkMode");
    builder.networkMode(new NetworkMode(NetworkMode.Kind.valueOf(network.path("kind").asText("DEFAULT")),
        network.path("name").asText("")));
    root.path("ports").forEach(p -> builder.port(new PortMapping(p.path("containerPort").asInt(),
        p.path("hostPort").asInt(), p.path("protocol").asText("tcp"))));
    JsonNode restart = root.path("restartPolicy");
    builder.restartPolicy(new RestartPolicy(RestartPolicy.Kind.valueOf(restart.path("kind").asText("NEVER")),
        restart.path("maxRetries").asInt()));
    root.path("mounts").forEach(m -> builder.mount(new Mount(m.path("source").asText(),
        m.path("target").asText(), m.path("readOnly").asBoolean())));
    map(root.path("options")).forEach(builder::option);
    return builder.build();
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  private static void map(ObjectNode node, Map<String, String> values) {
    values.forEach(node::put);
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> values = new TreeMap<>();
    node.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asText()));
    return values;
  }
}
