package dev.berth.runtime.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds zip and tar.gz archives in memory, including malicious ones no ordinary tool would write. */
final class TestArchives {
  private TestArchives() {}

  /** A zip builder. */
  static final class Zip {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ZipOutputStream zip = new ZipOutputStream(bytes);

    Zip file(String name, String content) {
      return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    Zip file(String name, byte[] content) {
      try {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Zip dir(String name) {
      return file(name.endsWith("/") ? name : name + "/", new byte[0]);
    }

    byte[] bytes() {
      try {
        zip.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }

  /** A tar builder (ustar headers, optional GNU long names and pax headers), gzipped by {@link #bytes()}. */
  static final class Tar {
    private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

    Tar file(String name, String content) {
      return entry(name, '0', "", content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    Tar executable(String name, String content) {
      return entry(name, '0', "", content.getBytes(StandardCharsets.UTF_8), 0755);
    }

    Tar dir(String name) {
      return entry(name, '5', "", new byte[0], 0755);
    }

    Tar symlink(String name, String target) {
      return entry(name, '2', target, new byte[0], 0777);
    }

    Tar hardlink(String name, String target) {
      return entry(name, '1', target, new byte[0], 0644);
    }

    Tar special(String name, char type) {
      return entry(name, type, "", new byte[0], 0644);
    }

    /** A GNU long-name ('L') header followed by the entry, whose own name field is truncated. */
    Tar gnuLongName(String name, String content) {
      byte[] longName = (name + "\0").getBytes(StandardCharsets.UTF_8);
      entry("././@LongLink", 'L', "", longName, 0644);
      return entry(name.substring(0, Math.min(99, name.length())), '0', "",
          content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    /** A pax ('x') header giving the path, followed by the entry under a dummy name. */
    Tar paxPath(String name, String content) {
      String record = " path=" + name + "\n";
      int length = record.length() + 1;
      while (String.valueOf(length).length() + record.length() != length) {
        length = String.valueOf(length).length() + record.length();
      }
      entry("PaxHeaders/x", 'x', "", (length + record).getBytes(StandardCharsets.UTF_8), 0644);
      return entry("dummy", '0', "", content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    /** A pax ('x') header with one record, applying to the next entry. */
    Tar pax(String key, String value) {
      return entry("PaxHeaders/x", 'x', "", paxRecord(key, value), 0644);
    }

    /** A global pax ('g') header with one record. */
    Tar paxGlobal(String key, String value) {
      return entry("GlobalHead", 'g', "", paxRecord(key, value), 0644);
    }

    Tar entry(String name, char type, String link, byte[] content, int mode) {
      return custom(name, type, link, content, mode, header -> { });
    }

    /**
     * As {@link #entry}, letting {@code edit} change raw header fields (a name with bytes that are not UTF-8, the
     * ustar prefix, a size that does not match the data) before the checksum is computed.
     */
    Tar custom(String name, char type, String link, byte[] content, int mode,
        java.util.function.Consumer<byte[]> edit) {
      byte[] header = new byte[512];
      put(header, 0, 100, name);
      put(header, 100, 8, octal(mode, 7));
      put(header, 108, 8, octal(0, 7));
      put(header, 116, 8, octal(0, 7));
      put(header, 124, 12, octal(content.length, 11));
      put(header, 136, 12, octal(0, 11));
      header[156] = (byte) type;
      put(header, 157, 100, link);
      put(header, 257, 6, "ustar");
      put(header, 263, 2, "00");
      edit.accept(header);
      for (int i = 148; i < 156; i++) {
        header[i] = ' ';
      }
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      put(header, 148, 8, octal(sum, 6) + "\0 ");
      tar.writeBytes(header);
      tar.writeBytes(content);
      tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
      return this;
    }

    /** The raw tar, with the two zero end blocks. */
    byte[] rawTar() {
      byte[] entries = tar.toByteArray();
      return java.util.Arrays.copyOf(entries, entries.length + 1024);
    }

    /** The tar.gz, compressed straight from the entries (a tar of 100,000 headers is 50 MB before). */
    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        tar.writeTo(gz);
        gz.write(new byte[1024]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  /** A pax record, {@code "<length> <key>=<value>\n"}, its length counting itself. */
  static byte[] paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = body + 1;
    while (String.valueOf(length).length() + body != length) {
      length = String.valueOf(length).length() + body;
    }
    return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String octal(long value, int digits) {
    String text = Long.toOctalString(value);
    return "0".repeat(Math.max(0, digits - text.length())) + text;
  }

  static void put(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, Math.min(length, bytes.length));
  }
}
