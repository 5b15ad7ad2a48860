package dev.berth.runtime.local;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Stores a {@link BotSpec} in the bot's state file as {@code spec.*} properties, so a later JVM can start,
 * restart and update the bot. Registry credentials are deliberately not stored (the local runtime pulls no
 * images, and secrets do not belong in a state directory); mounts are never accepted by this backend.
 */
final class SpecCodec {
  private SpecCodec() {}

  static void write(BotSpec spec, Properties target) {
    target.stringPropertyNames().stream().filter(k -> k.startsWith("spec.")).toList().forEach(target::remove);
    target.setProperty("spec.id", spec.id());
    target.setProperty("spec.image", spec.image());
    list(target, "spec.command.", spec.command());
    map(target, "spec.env.", spec.env());
    map(target, "spec.label.", spec.labels());
    map(target, "spec.option.", spec.options());
    target.setProperty("spec.config", spec.config());
    spec.entrypoint().ifPresent(e -> target.setProperty("spec.entrypoint", e));
    spec.language().ifPresent(l -> target.setProperty("spec.language", l));
    spec.codeBundle().ifPresent(bundle -> {
      if (bundle instanceof CodeBundle.Directory) {
        target.setProperty("spec.bundle.directory", ((CodeBundle.Directory) bundle).path().toString());
      } else if (bundle instanceof CodeBundle.Archive) {
        target.setProperty("spec.bundle.archive", ((CodeBundle.Archive) bundle).path().toString());
      } else {
        CodeBundle.Stored stored = (CodeBundle.Stored) bundle;
        target.setProperty("spec.bundle.bucket", stored.bucket());
        target.setProperty("spec.bundle.key", stored.key());
      }
    });
    Resources resources = spec.resources();
    target.setProperty("spec.resources", resources.memoryBytes() + "," + resources.cpuMillis() + ","
        + resources.pids());
    target.setProperty("spec.network", spec.networkMode().kind().name());
    RestartPolicy policy = spec.restartPolicy();
    target.setProperty("spec.restart", policy.kind().name() + "," + policy.maxRetries());
    List<String> ports = new ArrayList<>();
    for (PortMapping port : spec.ports()) {
      ports.add(port.containerPort() + ":" + port.hostPort() + "/" + port.protocol());
    }
    list(target, "spec.port.", ports);
    target.setProperty("spec.pull", spec.pullPolicy().name());
  }

  static BotSpec read(Properties source) {
    BotSpec.Builder builder = BotSpec.builder(source.getProperty("spec.id"))
        .image(source.getProperty("spec.image", ""))
        .command(list(source, "spec.command."))
        .env(map(source, "spec.env."))
        .labels(map(source, "spec.label."))
        .config(source.getProperty("spec.config", "{}"));
    map(source, "spec.option.").forEach(builder::option);
    if (source.containsKey("spec.entrypoint")) {
      builder.entrypoint(source.getProperty("spec.entrypoint"));
    }
    if (source.containsKey("spec.language")) {
      builder.language(source.getProperty("spec.language"));
    }
    if (source.containsKey("spec.bundle.directory")) {
      builder.codeBundle(CodeBundle.directory(Path.of(source.getProperty("spec.bundle.directory"))));
    } else if (source.containsKey("spec.bundle.archive")) {
      builder.codeBundle(CodeBundle.archive(Path.of(source.getProperty("spec.bundle.archive"))));
    } else if (source.containsKey("spec.bundle.key")) {
      builder.codeBundle(CodeBundle.stored(source.getProperty("spec.bundle.bucket"),
          source.getProperty("spec.bundle.key")));
    }
    String[] resources = source.getProperty("spec.resources", "0,0,0").split(",");
    builder.resources(new Resources(Long.parseLong(resources[0]), Integer.parseInt(resources[1]),
        Integer.parseInt(resources[2])));
    builder.networkMode(new NetworkMode(NetworkMode.Kind.valueOf(source.getProperty("spec.network", "DEFAULT")),
        ""));
    String[] restart = source.getProperty("spec.restart", "NEVER,0").split(",");
    builder.restartPolicy(new RestartPolicy(RestartPolicy.Kind.valueOf(restart[0]), Integer.parseInt(restart[1])));
    for (String port : list(source, "spec.port.")) {
      int colon = port.indexOf(':');
      int slash = port.indexOf('/');
      builder.port(new PortMapping(Integer.parseInt(port.substring(0, colon)),
          Integer.parseInt(port.substring(colon + 1, slash)), port.substring(slash + 1)));
    }
    builder.pullPolicy(dev.berth.runtime.PullPolicy.valueOf(source.getProperty("spec.pull", "IF_NOT_PRESENT")));
    return builder.build();
  }

  private static void list(Properties target, String prefix, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      target.setProperty(prefix + i, values.get(i));
    }
  }

  private static List<String> list(Properties source, String prefix) {
    List<String> values = new ArrayList<>();
    for (int i = 0; source.containsKey(prefix + i); i++) {
      values.add(source.getProperty(prefix + i));
    }
    return values;
  }

  private static void map(Properties target, String prefix, Map<String, String> values) {
    values.forEach((key, value) -> target.setProperty(prefix + key, value));
  }

  private static Map<String, String> map(Properties source, String prefix) {
    Map<String, String> values = new TreeMap<>();
    for (String key : source.stringPropertyNames()) {
      if (key.startsWith(prefix)) {
        values.put(key.substring(prefix.length()), source.getProperty(key));
      }
    }
    return values;
  }
}
