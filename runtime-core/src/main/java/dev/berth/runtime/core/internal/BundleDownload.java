package dev.berth.runtime.core.internal;

import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One download of a stored bundle into a file, checked against what {@code stat} said before it started: the
 * byte count must match, and the bytes must be the tagged content, either because their MD5 is the tag (S3's
 * ETag of an object put in one request) or because the object still carries the same tag afterwards (a
 * multipart or encrypted object, whose ETag is no plain MD5). A download that fails either check is thrown
 * away, so a cut connection or an object replaced half way never passes for the tagged content.
 */
final class BundleDownload {
  private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-fA-F]{32}");

  /** What was downloaded: the file's SHA-256, for checking the cached copy later. */
  record Verified(String sha256) {}

  /** The object changed while it was read: download again with the new tag. */
  static final class Changed extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Optional<ObjectInfo> now;

    Changed(Optional<ObjectInfo> now) {
      super(null, null, false, false);
      this.now = now;
    }
  }

  private BundleDownload() {}

  /**
   * Downloads {@code bucket/key} into {@code file} (created new) and checks it against {@code expected}.
   *
   * @throws Changed when the object was replaced or removed meanwhile; {@code file} may hold a part
   * @throws IOException when reading or writing failed
   */
  static Verified to(Path file, ObjectStore store, String bucket, String key, ObjectInfo expected)
      throws IOException, Changed {
    String tag = expected.etag().orElseThrow();
    MessageDigest sha256 = digest("SHA-256");
    MessageDigest md5 = digest("MD5");
    long copied = 0;
    Optional<InputStream> in = store.get(bucket, key);
    if (in.isEmpty()) {
      throw new Changed(Optional.empty());
    }
    try (InputStream source = in.get();
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = source.read(buffer)) >= 0; ) {
        sha256.update(buffer, 0, n);
        md5.update(buffer, 0, n);
        out.write(buffer, 0, n);
        copied += n;
      }
    }
    boolean md5IsTag = PLAIN_MD5.matcher(tag).matches()
        && HexFormat.of().formatHex(md5.digest()).equalsIgnoreCase(tag);
    if (copied == expected.size() && md5IsTag) {
      return new Verified(HexFormat.of().formatHex(sha256.digest()));
    }
    Optional<ObjectInfo> now = store.stat(bucket, key);
    if (now.isEmpty() || !now.get().etag().equals(expected.etag()) || now.get().size() != expected.size()) {
      throw new Changed(now);
    }
    if (copied != expected.size()) {
      throw new RuntimeOperationException("Downloading code bundle " + bucket + "/" + key + " gave " + copied
          + " bytes, but the store says the object has " + expected.size() + " bytes (tag " + tag + "); the "
          + "store answered inconsistently, try again");
    }
    return new Verified(HexFormat.of().formatHex(sha256.digest()));
  }

  /** The SHA-256 of a file, hex. */
  static String sha256(Path file) throws IOException {
    MessageDigest sha256 = digest("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        sha256.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new RuntimeOperationException(algorithm + " is missing from this Java platform", e);
    }
  }
}
