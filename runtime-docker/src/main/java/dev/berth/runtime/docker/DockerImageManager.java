package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.berth.runtime.ImageManager;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.Progress;
import dev.berth.runtime.ProgressListener;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.RegistryCredentials;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Images on the engine: pull with progress, inspect, list, remove, build from a Dockerfile directory. */
final class DockerImageManager implements ImageManager {
  private static final Logger log = LoggerFactory.getLogger(DockerImageManager.class);

  private final DockerClient client;
  private final DockerErrors errors;
  private final Duration pullTimeout;

  DockerImageManager(DockerConnection connection, Duration pullTimeout) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.pullTimeout = pullTimeout;
  }

  /**
   * Makes the spec's image present as its pull policy says. The pull runs on the calling thread and stops
   * when it is interrupted (cancel) or the pull timeout passes.
   */
  void ensure(WorkloadSpec spec) {
    PullPolicy policy = spec.pullPolicy();
    if (policy == PullPolicy.ALWAYS || (policy == PullPolicy.IF_NOT_PRESENT && !exists(spec.image()))) {
      pull(spec.image(), spec.registryCredentials(), ProgressListener.NONE);
    } else if (policy == PullPolicy.NEVER && !exists(spec.image())) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(),
          List.of("image: '" + spec.image() + "' is not present on the engine and the pull policy is NEVER; "
              + "load or build it first, or use PullPolicy.IF_NOT_PRESENT"));
    }
  }

  @Override
  public void pull(String image, ProgressListener listener) {
    pull(image, Optional.empty(), listener);
  }

  @Override
  public void pull(String image, RegistryCredentials credentials, ProgressListener listener) {
    pull(image, Optional.of(credentials), listener);
  }

  /** Pulls with the credentials, if any; on the calling thread, interruptible. */
  void pull(String image, Optional<RegistryCredentials> credentials, ProgressListener listener) {
    ImageRef ref = ImageRef.parse(image);
    PullProgress progress = new PullProgress(image, listener);
    log.info("Pulling image {}", image);
    QuietCallback<PullResponseItem> callback = new QuietCallback<>() {
      @Override
      public void onNext(PullResponseItem item) {
        if (item.isErrorIndicated()) {
          fail(new RuntimeOperationException(item.getErrorDetail() != null
              ? item.getErrorDetail().getMessage() : "the engine reported an error"));
        } else {
          progress.onItem(item);
        }
      }
    };
    try {
      var cmd = client.pullImageCmd(ref.repository()).withTag(ref.tag());
      credentials.ifPresent(c -> cmd.withAuthConfig(new AuthConfig().withRegistryAddress(c.registry())
          .withUsername(c.username()).withPassword(c.password())));
      if (!cmd.exec(callback).awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new RuntimeOperationException("Pulling image '" + image + "' did not finish within " + pullTimeout
            + ". Raise docker.pull-timeout or pull it beforehand.");
      }
      if (callback.error().isPresent()) {
        Throwable error = callback.error().get();
        throw error instanceof RuntimeException ? (RuntimeException) error : new RuntimeOperationException(
            String.valueOf(error.getMessage()), error);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Pulling image '" + image + "' was interrupted", e);
    } catch (RuntimeException e) {
      if (DockerErrors.isConnectionFailure(e)) {
        throw errors.unreachable(e);
      }
      throw new RuntimeOperationException("Pulling image '" + image + "' failed: " + DockerErrors.message(e)
          + ". Check the image name, the registry credentials and that the registry is reachable.", e);
    } finally {
      QuietCallback.closeQuietly(callback);
    }
    if (!exists(image)) {
      throw new RuntimeOperationException("Pulling image '" + image + "' ended but the image is not present; "
          + "check the name and tag.");
    }
  }

  @Override
  public boolean exists(String image) {
    try {
      client.inspectImageCmd(image).exec();
      return true;
    } catch (RuntimeException e) {
      if (DockerErrors.isNotFound(e)) {
        return false;
      }
      throw errors.translate(e, "inspecting image '" + image + "'", null);
    }
  }

  @Override
  public List<Image> list() {
    try {
      return client.listImagesCmd().exec().stream()
          .map(i -> new Image(i.getId(), i.getRepoTags() == null ? List.of() : Arrays.stream(i.getRepoTags())
              .filter(t -> !t.equals("<none>:<none>")).toList(), i.getSize() == null ? 0 : i.getSize()))
          .toList();
    } catch (RuntimeException e) {
      throw errors.translate(e, "listing images", null);
    }
  }

  @Override
  public void remove(String image) {
    try {
      client.removeImageCmd(image).exec();
      log.info("Removed image {}", image);
    } catch (RuntimeException e) {
      if (!DockerErrors.isNotFound(e)) {
        throw errors.translate(e, "removing image '" + image + "'", null);
      }
    }
  }

  @Override
  public String build(Path contextDirectory, String tag, ProgressListener listener) {
    if (!Files.isRegularFile(contextDirectory.resolve("Dockerfile"))) {
      throw new InvalidSpecException("image build", List.of("contextDirectory: " + contextDirectory
          + " has no Dockerfile; add one or point at the directory that holds it"));
    }
    StringBuilder failure = new StringBuilder();
    BuildImageResultCallback callback = new BuildImageResultCallback() {
      @Override
      public void onNext(BuildResponseItem item) {
        if (item.getStream() != null && !item.getStream().isBlank()) {
          listener.onProgress(new Progress("build", tag, 0, -1, item.getStream().strip()));
        }
        if (item.isErrorIndicated()) {
          failure.append(item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : "build error");
        }
        super.onNext(item);
      }
    };
    try {
      String id = client.buildImageCmd(contextDirectory.toFile()).withTags(Set.of(tag)).withPull(false)
          .exec(callback).awaitImageId(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("Built image {} ({}) from {}", tag, id, contextDirectory);
      return id;
    } catch (RuntimeException e) {
      if (DockerErrors.isConnectionFailure(e)) {
        throw errors.unreachable(e);
      }
      throw new RuntimeOperationException("Building image '" + tag + "' from " + contextDirectory + " failed: "
          + (failure.length() > 0 ? failure : DockerErrors.message(e))
          + ". Check the Dockerfile and that its base image is present.", e);
    } finally {
      QuietCallback.closeQuietly(callback);
    }
  }
}
