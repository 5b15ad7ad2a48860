package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * The stable hash of a bot spec that the reconciler stores in {@value BotFilter#SPEC_HASH_LABEL}: the first 16
 * hex digits of the SHA-256 of a canonical text of the spec.
 *
 * <p>The text is ours, not a record's {@code toString} (whose format the JDK may change): one
 * {@code name=value} line per field, in a fixed order, map entries by sorted key, with {@code \}, newline and
 * carriage return escaped. A field that holds its default is left out, so a field added to {@code BotSpec} in a
 * later release does not change the hash of specs that do not use it, and an upgrade recreates no bot. Left out
 * on purpose: the spec hash label itself, and registry credentials (a rotated password needs no new
 * container). A code bundle counts by its location, not its contents: to roll out new code, point the spec at
 * a new directory, archive or object key.
 */
final class SpecHash {
  /** Per thread: a digest and buffers reused for every spec, as a pass hashes thousands in a row. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private SpecHash() {}

  private static final class Scratch {
    final MessageDigest sha;
    StringBuilder text = new StringBuilder(256);
    byte[] bytes = new byte[256];

    Scratch() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError("Every JDK has SHA-256", e);
      }
    }
  }

  static String of(BotSpec spec) {
    Scratch scratch = SCRATCH.get();
    StringBuilder text = scratch.text;
    text.setLength(0);
    canonical(spec, text);
    MessageDigest sha = scratch.sha;
    int length = text.length();
    if (scratch.bytes.length < length) {
      scratch.bytes = new byte[Math.max(length, 2 * scratch.bytes.length)];
    }
    byte[] bytes = scratch.bytes;
    int ascii = 0;
    while (ascii < length && text.charAt(ascii) < 0x80) {
      bytes[ascii] = (byte) text.charAt(ascii);
      ascii++;
    }
    sha.update(bytes, 0, ascii);
    if (ascii < length) {
      sha.update(text.substring(ascii).getBytes(StandardCharsets.UTF_8));
    }
    byte[] digest = sha.digest();
    if (text.capacity() > 64 * 1024) {
      scratch.text = new StringBuilder(256);
    }
    char[] hex = new char[16];
    for (int i = 0; i < 8; i++) {
      hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
      hex[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return new String(hex);
  }

  /** The canonical text itself; for tests and for reading what a hash covers. */
  static String canonical(BotSpec spec) {
    StringBuilder text = new StringBuilder(256);
    canonical(spec, text);
    return text.toString();
  }

  private static void canonical(BotSpec spec, StringBuilder text) {
    line(text, "id", spec.id());
    if (!spec.image().isEmpty()) {
      line(text, "image", spec.image());
    }
    list(text, "command", spec.command());
    spec.codeBundle().ifPresent(bundle -> line(text, "bundle", bundle(bundle)));
    spec.entrypoint().ifPresent(entrypoint -> line(text, "entrypoint", entrypoint));
    spec.language().ifPresent(language -> line(text, "language", language));
    map(text, "env.", spec.env());
    if (!spec.config().equals("{}")) {
      line(text, "config", spec.config());
    }
    spec.labels().forEach((key, value) -> {
      if (!key.equals(BotFilter.SPEC_HASH_LABEL)) {
        line(text, "label." + key, value);
      }
    });
    Resources resources = spec.resources();
    if (resources.memoryBytes() != 0) {
      line(text, "memory", Long.toString(resources.memoryBytes()));
    }
    if (resources.cpuMillis() != 0) {
      line(text, "cpu", Integer.toString(resources.cpuMillis()));
    }
    if (resources.pids() != 0) {
      line(text, "pids", Integer.toString(resources.pids()));
    }
    NetworkMode network = spec.networkMode();
    if (network.kind() != NetworkMode.Kind.DEFAULT || !network.name().isEmpty()) {
      line(text, "network", network.kind().name() + (network.name().isEmpty() ? "" : ":" + network.name()));
    }
    for (PortMapping port : spec.ports()) {
      line(text, "port", port.containerPort() + ":" + port.hostPort() + "/" + port.protocol().name());
    }
    RestartPolicy restart = spec.restartPolicy();
    if (!restart.equals(RestartPolicy.NEVER)) {
      line(text, "restart", restart.kind().name() + ":" + restart.maxRetries());
    }
    for (Mount mount : spec.mounts()) {
      line(text, "mount", mount.source() + ":" + mount.target() + (mount.readOnly() ? ":ro" : ":rw"));
    }
    if (spec.pullPolicy() != PullPolicy.IF_NOT_PRESENT) {
      line(text, "pull", spec.pullPolicy().name());
    }
    map(text, "option.", spec.options());
  }

  private static String bundle(CodeBundle bundle) {
    if (bundle instanceof CodeBundle.Directory directory) {
      return "directory:" + directory.path();
    }
    if (bundle instanceof CodeBundle.Archive archive) {
      return "archive:" + archive.path();
    }
    CodeBundle.Stored stored = (CodeBundle.Stored) bundle;
    return "stored:" + stored.bucket() + "/" + stored.key();
  }

  private static void list(StringBuilder text, String name, List<String> values) {
    for (String value : values) {
      line(text, name, value);
    }
  }

  /** Spec maps are sorted copies, so iteration order is the key order. */
  private static void map(StringBuilder text, String prefix, Map<String, String> entries) {
    entries.forEach((key, value) -> line(text, prefix + key, value));
  }

  private static void line(StringBuilder text, String name, String value) {
    escape(text, name);
    text.append('=');
    escape(text, value);
    text.append('\n');
  }

  private static void escape(StringBuilder text, String value) {
    int first = 0;
    while (first < value.length() && !special(value.charAt(first))) {
      first++;
    }
    if (first == value.length()) {
      text.append(value);
      return;
    }
    text.append(value, 0, first);
    for (int i = first; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '=' -> text.append("\\=");
        default -> text.append(c);
      }
    }
  }

  private static boolean special(char c) {
    return c == '\\' || c == '\n' || c == '\r' || c == '=';
  }
}
