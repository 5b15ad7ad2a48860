package dev.berth.integration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Code bundles as the services Berth replaces upload them: zip archives of a script and its data. */
final class Bundles {
  private Bundles() {}

  /** A zip of {@code run.sh} holding {@code script}, plus {@code dataBytes} of incompressible data. */
  static byte[] zip(String script, int dataBytes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("run.sh"));
      zip.write(script.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      if (dataBytes > 0) {
        byte[] data = new byte[dataBytes];
        new Random(42).nextBytes(data);
        zip.putNextEntry(new ZipEntry("data/prices.bin"));
        zip.write(data);
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
