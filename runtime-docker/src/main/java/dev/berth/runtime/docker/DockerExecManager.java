package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.RuntimeOperationException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command in a running bot's container with {@code docker exec}, capturing both streams. */
final class DockerExecManager implements ExecManager {
  private final DockerClient client;
  private final DockerErrors errors;
  private final ContainerLookup bots;

  DockerExecManager(DockerConnection connection, ContainerLookup bots) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.bots = bots;
  }

  @Override
  public ExecResult exec(String botId, List<String> command, Duration timeout) {
    if (command.isEmpty()) {
      throw new dev.berth.runtime.InvalidSpecException("exec", List.of("command: is empty; give argv such as "
          + "[\"cat\", \"/proc/loadavg\"]"));
    }
    return bots.withContainer(botId, containerId -> {
      String execId;
      try {
        execId = client.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
            .withAttachStdout(true).withAttachStderr(true).exec().getId();
      } catch (RuntimeException e) {
        if (DockerErrors.isNotFound(e)) {
          throw e;
        }
        throw new RuntimeOperationException("Cannot exec in bot '" + botId + "': " + DockerErrors.message(e)
            + ". The bot must be running.", e);
      }
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      QuietCallback<Frame> callback = new QuietCallback<>() {
        @Override
        public void onNext(Frame frame) {
          (frame.getStreamType() == StreamType.STDERR ? stderr : stdout).writeBytes(frame.getPayload());
        }
      };
      try {
        boolean done = client.execStartCmd(execId).exec(callback)
            .awaitCompletion(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        if (!done) {
          return new ExecResult(-1, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        }
        InspectExecResponse inspect = client.inspectExecCmd(execId).exec();
        Long code = inspect.getExitCodeLong();
        return new ExecResult(code == null ? -1 : code.intValue(), stdout.toString(StandardCharsets.UTF_8),
            stderr.toString(StandardCharsets.UTF_8));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeOperationException("Exec in bot '" + botId + "' was interrupted", e);
      } catch (RuntimeException e) {
        throw errors.translate(e, "running " + command.get(0) + " in bot '" + botId + "'", botId);
      } finally {
        QuietCallback.closeQuietly(callback);
      }
    });
  }
}
