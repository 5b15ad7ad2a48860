package dev.berth.runtime.core.internal;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Stores a {@link BotSpec} as flat {@code spec.*} properties, so a later JVM can start, restart, update or
 * recreate a bot it did not create. Registry credentials are deliberately not stored: secrets do not belong
 * in a state directory (an update that pulls again does so without them).
 */
public final class BotSpecCodec {
  private BotSpecCodec() {}

  /** The spec as properties text, e.g. for a file of its own. */
  public static String toText(BotSpec spec) {
    Properties properties = new Properties();
    write(spec, properties);
    StringWriter out = new StringWriter();
    try {
      properties.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The spec {@link #toText} wrote. */
  public static BotSpec fromText(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return read(properties);
  }

  /** Puts the spec's {@code spec.*} entries into {@code target}, replacing any it held. */
  public static void write(BotSpec spec, Properties target) {
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
    if (!spec.networkMode().name().isEmpty()) {
      target.setProperty("spec.network.name", spec.networkMode().name());
    }
    RestartPolicy policy = spec.restartPolicy();
    target.setProperty("spec.restart", policy.kind().name() + "," + policy.maxRetries());
    List<String> ports = new ArrayList<>();
    for (PortMapping port : spec.ports()) {
      ports.add(port.containerPort() + ":" + port.hostPort() + "/" + port.protocol().label());
    }
    list(target, "spec.port.", ports);
    for (int i = 0; i < spec.mounts().size(); i++) {
      Mount mount = spec.mounts().get(i);
      target.setProperty("spec.mount." + i + ".source", mount.source());
      target.setProperty("spec.mount." + i + ".target", mount.target());
      target.setProperty("spec.mount." + i + ".read-only", Boolean.toString(mount.readOnly()));
    }
    target.setProperty("spec.pull", spec.pullPolicy().name());
  }

  /** The spec whose {@code spec.*} entries {@code source} holds. */
  public static BotSpec read(Properties source) {
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
        source.getProperty("spec.network.name", "")));
    String[] restart = source.getProperty("spec.restart", "NEVER,0").split(",");
    builder.restartPolicy(new RestartPolicy(RestartPolicy.Kind.valueOf(restart[0]), Integer.parseInt(restart[1])));
    for (String port : list(source, "spec.port.")) {
      int colon = port.indexOf(':');
      int slash = port.indexOf('/');
      builder.port(new PortMapping(Integer.parseInt(port.substring(0, colon)),
          Integer.parseInt(port.substring(colon + 1, slash)),
          PortMapping.Protocol.valueOf(port.substring(slash + 1).toUpperCase(java.util.Locale.ROOT))));
    }
    for (int i = 0; source.containsKey("spec.mount." + i + ".target"); i++) {
      String prefix = "spec.mount." + i + ".";
      builder.mount(new Mount(source.getProperty(prefix + "source"), source.getProperty(prefix + "target"),
          Boolean.parseBoolean(source.getProperty(prefix + "read-only"))));
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
