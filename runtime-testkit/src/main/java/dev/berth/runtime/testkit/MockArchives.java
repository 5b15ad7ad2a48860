package dev.berth.runtime.testkit;

import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The entry names of a code bundle archive, checked as the real backends' safe extraction checks them: no
 * absolute path, no {@code ..} segment, no link leaving the workspace. Only names and headers are read; the
 * mocks never extract anything.
 */
final class MockArchives {
  private static final int BLOCK = 512;

  private MockArchives() {}

  /**
   * The regular files of {@code archive}, as normalised relative paths.
   *
   * @throws InvalidSpecException naming the first entry that would escape the workspace, or an archive that
   *     is missing or unreadable
   */
  static Set<String> files(Path archive, CodeBundle.ArchiveFormat format) {
    if (!Files.isRegularFile(archive)) {
      throw rejectBundle("archive " + archive + " does not exist or is not a file; check the path");
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
      return format == CodeBundle.ArchiveFormat.ZIP ? zipFiles(in) : tarFiles(new GZIPInputStream(in));
    } catch (IOException e) {
      throw rejectBundle("archive " + archive + " is not a readable " + (format == CodeBundle.ArchiveFormat.ZIP
          ? "zip" : "tar.gz") + " file (" + e.getMessage() + "); rebuild it");
    }
  }

  private static Set<String> zipFiles(InputStream in) throws IOException {
    Set<String> files = new LinkedHashSet<>();
    try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        String name = normalise(entry.getName());
        if (!entry.isDirectory() && !name.isEmpty()) {
          files.add(name);
        }
      }
    }
    return files;
  }

  /** ustar headers, with GNU long names ({@code L}, {@code K}) and pax paths ({@code x}). */
  private static Set<String> tarFiles(InputStream in) throws IOException {
    Set<String> files = new LinkedHashSet<>();
    byte[] header = new byte[BLOCK];
    String longName = null;
    String longLink = null;
    while (readBlock(in, header)) {
      if (isZero(header)) {
        break;
      }
      char type = (char) (header[156] & 0xff);
      long size = octal(header, 124, 12);
      if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
        String meta = new String(readBytes(in, size), StandardCharsets.UTF_8);
        skip(in, padding(size));
        if (type == 'L') {
          longName = cString(meta);
        } else if (type == 'K') {
          longLink = cString(meta);
        } else if (type == 'x') {
          longName = paxValue(meta, "path", longName);
          longLink = paxValue(meta, "linkpath", longLink);
        }
        continue;
      }
      String name = longName != null ? longName : headerName(header);
      String link = longLink != null ? longLink : text(header, 157, 100);
      longName = null;
      longLink = null;
      String normalised = normalise(name);
      if (type == '1') {
        normalise(link); // a hard link names another entry: the same rules apply
      } else if (type == '2') {
        checkSymlink(name, normalised, link);
      } else if ((type == '0' || type == '\0' || type == '7') && !normalised.isEmpty()) {
        files.add(normalised);
      }
      skip(in, size + padding(size));
    }
    return files;
  }

  /**
   * The entry's path relative to the workspace, {@code /}-separated, without {@code .} or empty segments.
   *
   * @throws InvalidSpecException for an absolute path, a drive letter, a backslash, a NUL or a {@code ..}
   */
  static String normalise(String name) {
    if (name.indexOf('\0') >= 0) {
      throw rejectEntry(name, "contains a NUL character");
    }
    if (name.indexOf('\\') >= 0) {
      throw rejectEntry(name, "contains a backslash, which Windows treats as a path separator");
    }
    if (name.startsWith("/")) {
      throw rejectEntry(name, "is an absolute path");
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      throw rejectEntry(name, "starts with a Windows drive letter");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..")) {
        throw rejectEntry(name, "leaves the workspace ('..' segment)");
      }
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    return String.join("/", segments);
  }

  private static void checkSymlink(String name, String normalised, String target) {
    if (target.isEmpty() || target.startsWith("/") || target.indexOf('\\') >= 0 || target.indexOf('\0') >= 0) {
      throw rejectEntry(name, "is a symbolic link to '" + target + "', which is empty or absolute");
    }
    int depth = normalised.isEmpty() ? 0 : normalised.split("/").length - 1;
    for (String segment : target.split("/", -1)) {
      if (segment.equals("..")) {
        if (--depth < 0) {
          throw rejectEntry(name, "is a symbolic link to '" + target + "', which points outside the workspace");
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        depth++;
      }
    }
  }

  static InvalidSpecException rejectEntry(String name, String rule) {
    return rejectBundle("entry '" + name.replace("\0", "\\u0000") + "' " + rule + "; rebuild the archive without it");
  }

  static InvalidSpecException rejectBundle(String problem) {
    return new InvalidSpecException("code bundle", List.of("codeBundle: " + problem));
  }

  private static String headerName(byte[] header) {
    String name = text(header, 0, 100);
    boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? text(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String cString(String text) {
    int nul = text.indexOf('\0');
    return nul < 0 ? text : text.substring(0, nul);
  }

  /** A pax record's value ({@code "<len> key=value\n"} records), or {@code fallback}. */
  private static String paxValue(String records, String key, String fallback) {
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      int equals = record.indexOf('=');
      if (space > 0 && equals > space && record.substring(space + 1, equals).equals(key)) {
        return record.substring(equals + 1);
      }
    }
    return fallback;
  }

  private static long octal(byte[] header, int offset, int length) throws IOException {
    String digits = text(header, offset, length).trim();
    if (digits.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(digits, 8);
    } catch (NumberFormatException e) {
      throw new IOException("bad tar header field '" + digits + "'", e);
    }
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, BLOCK);
    if (read == 0) {
      return false;
    }
    if (read < BLOCK) {
      throw new EOFException("truncated tar header");
    }
    return true;
  }

  private static byte[] readBytes(InputStream in, long size) throws IOException {
    if (size > 1 << 20) {
      throw new IOException("tar metadata entry of " + size + " bytes");
    }
    byte[] bytes = in.readNBytes((int) size);
    if (bytes.length < size) {
      throw new EOFException("truncated tar entry");
    }
    return bytes;
  }

  private static void skip(InputStream in, long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("truncated tar entry");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
