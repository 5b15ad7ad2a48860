package dev.berth.runtime.kubernetes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Packs a materialised workspace as a ustar {@code .tar.gz} holding only directories and regular files with
 * relative names, so the init container's plain {@code tar -xzf} cannot be led outside its target: the archive is
 * Berth's own, made from a workspace that core's safe extraction already checked.
 */
final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {}

  /** The archive of {@code root}'s files, skipping the relative paths in {@code skip}; entries in name order. */
  static byte[] pack(Path root, Set<String> skip) throws IOException {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> !p.equals(root)).sorted().forEach(paths::add);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      for (Path path : paths) {
        String name = root.relativize(path).toString().replace('\\', '/');
        if (skip.contains(name)) {
          continue;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          header(gzip, name + "/", 0, 0755, '5');
        } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
          byte[] content = Files.readAllBytes(path);
          header(gzip, name, content.length, executable(path) ? 0755 : 0644, '0');
          gzip.write(content);
          gzip.write(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
        }
      }
      gzip.write(new byte[2 * BLOCK]);
    }
    return bytes.toByteArray();
  }

  /** Whether anything but the skipped paths is in {@code root}. */
  static boolean hasFiles(Path root, Set<String> skip) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !p.equals(root))
          .anyMatch(p -> !skip.contains(root.relativize(p).toString().replace('\\', '/')));
    }
  }

  private static boolean executable(Path path) {
    try {
      return Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  private static void header(OutputStream out, String name, long size, int mode, char type) throws IOException {
    byte[] header = new byte[BLOCK];
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    String prefix = "";
    if (nameBytes.length > 100) { // ustar: split at a '/' into a prefix of up to 155 bytes and a name of up to 100
      int cut = name.lastIndexOf('/', name.length() - 2);
      while (cut > 0 && (name.substring(cut + 1).getBytes(StandardCharsets.UTF_8).length > 100
          || name.substring(0, cut).getBytes(StandardCharsets.UTF_8).length > 155)) {
        cut = name.lastIndexOf('/', cut - 1);
      }
      if (cut <= 0) {
        throw new IOException("the path " + name + " is too long for a tar archive (at most 255 bytes)");
      }
      prefix = name.substring(0, cut);
      nameBytes = name.substring(cut + 1).getBytes(StandardCharsets.UTF_8);
    }
    System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
    octal(header, 100, 8, mode);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, size);
    octal(header, 136, 12, 0);
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    header[156] = (byte) type;
    byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, header, 257, magic.length);
    byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(prefixBytes, 0, header, 345, prefixBytes.length);
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    octal(header, 148, 7, sum);
    out.write(header);
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String text = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, length - 1 - text.length())) + text;
    byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length - 1));
  }
}
