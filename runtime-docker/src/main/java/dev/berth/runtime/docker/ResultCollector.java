package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.backtest.ResultTooLargeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Copies a backtest's result file out of its container ({@code docker cp}: a tar stream of one entry),
 * reading at most the cap so a runaway workload cannot exhaust the service's memory. Works for remote
 * engines too, where the workspace is not on this host.
 */
final class ResultCollector {
  private final DockerClient client;

  ResultCollector(DockerClient client) {
    this.client = client;
  }

  /** The file's text, or empty when the workload wrote none. */
  Optional<String> collect(String backtestId, String containerId, String resultPath, String pathInContainer,
      long maxBytes) {
    try (InputStream tar = client.copyArchiveFromContainerCmd(containerId, pathInContainer).exec();
        TarArchiveInputStream entries = new TarArchiveInputStream(tar)) {
      TarArchiveEntry entry = entries.getNextEntry();
      if (entry == null || !entry.isFile()) {
        return Optional.empty();
      }
      if (entry.getSize() > maxBytes) {
        throw new ResultTooLargeException(backtestId, resultPath, entry.getSize(), maxBytes);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, entry.getSize()));
      byte[] buffer = new byte[8192];
      long total = 0;
      for (int n; (n = entries.read(buffer)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          throw new ResultTooLargeException(backtestId, resultPath, total, maxBytes);
        }
        out.write(buffer, 0, n);
      }
      return Optional.of(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RuntimeOperationException("Copying the result of backtest '" + backtestId + "' from "
          + pathInContainer + " failed: " + e.getMessage(), e);
    } catch (ResultTooLargeException e) {
      throw e;
    } catch (RuntimeException e) {
      if (DockerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw new RuntimeOperationException("Copying the result of backtest '" + backtestId + "' from "
          + pathInContainer + " failed: " + DockerErrors.message(e), e);
    }
  }
}
