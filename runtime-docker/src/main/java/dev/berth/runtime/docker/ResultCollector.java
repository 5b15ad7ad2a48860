package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import dev.berth.runtime.RuntimeOperationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Copies a backtest's result file out of its container ({@code docker cp}: a tar stream of one entry),
 * reading at most {@code maxBytes} so a runaway workload cannot exhaust the service's memory. Works for
 * remote engines too, where the workspace is not on this host.
 */
final class ResultCollector {
  private final DockerClient client;
  private final long maxBytes;

  ResultCollector(DockerClient client, long maxBytes) {
    this.client = client;
    this.maxBytes = maxBytes;
  }

  /** The file's text, or empty when the workload wrote none. */
  Optional<String> collect(String backtestId, String containerId, String pathInContainer) {
    try (InputStream tar = client.copyArchiveFromContainerCmd(containerId, pathInContainer).exec();
        TarArchiveInputStream entries = new TarArchiveInputStream(tar)) {
      TarArchiveEntry entry = entries.getNextEntry();
      if (entry == null || !entry.isFile()) {
        return Optional.empty();
      }
      if (entry.getSize() > maxBytes) {
        throw tooLarge(backtestId, pathInContainer, entry.getSize());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, entry.getSize()));
      byte[] buffer = new byte[8192];
      long total = 0;
      for (int n; (n = entries.read(buffer)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(backtestId, pathInContainer, total);
        }
        out.write(buffer, 0, n);
      }
      return Optional.of(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RuntimeOperationException("Copying the result of backtest '" + backtestId + "' from "
          + pathInContainer + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (DockerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private RuntimeOperationException tooLarge(String backtestId, String path, long size) {
    return new RuntimeOperationException("The result of backtest '" + backtestId + "' (" + path + ") is larger "
        + "than " + maxBytes + " bytes (" + size + "+). Write a smaller result, or raise docker.result-max-size.");
  }
}
