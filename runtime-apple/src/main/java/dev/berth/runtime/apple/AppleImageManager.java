package dev.berth.runtime.apple;

import dev.berth.runtime.ImageManager;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.Progress;
import dev.berth.runtime.ProgressListener;
import dev.berth.runtime.RegistryCredentials;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.UnsupportedFeatureException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Images through {@code container image pull|inspect|list|delete} and {@code container build}. The CLI reports
 * no pull progress a caller could read, so the listener hears of the start and the end. Registry credentials
 * come from the keychain ({@code container registry login}), never from Berth.
 */
final class AppleImageManager implements ImageManager {
  private final Cli cli;
  private final Duration pullTimeout;

  AppleImageManager(Cli cli, Duration pullTimeout) {
    this.cli = cli;
    this.pullTimeout = pullTimeout;
  }

  @Override
  public void pull(String image, ProgressListener listener) {
    requireReference(image);
    Objects.requireNonNull(listener, "listener");
    listener.onProgress(new Progress("pull", image, 0, -1, "pulling"));
    Cli.Result result = cli.run(List.of("image", "pull", "--progress", "none", image), pullTimeout);
    if (!result.ok()) {
      throw AppleErrors.translate(result, "pulling image " + image);
    }
    listener.onProgress(new Progress("pull", image, 1, 1, "pulled"));
  }

  @Override
  public void pull(String image, RegistryCredentials credentials, ProgressListener listener) {
    throw new UnsupportedFeatureException("Pulling " + image + " with credentials from Berth is not supported by "
        + "the 'apple' runtime: the container CLI reads them from the keychain. Run `container registry login "
        + "<registry>` once on the Mac, then pull without credentials.");
  }

  @Override
  public boolean exists(String image) {
    requireReference(image);
    Cli.Result result = cli.run(List.of("image", "inspect", image));
    if (result.ok()) {
      return true;
    }
    if (AppleErrors.isNotFound(result)) {
      return false;
    }
    throw AppleErrors.translate(result, "inspecting image " + image);
  }

  @Override
  public List<Image> list() {
    Cli.Result result = cli.run(List.of("image", "list", "--format", "json"));
    if (!result.ok()) {
      throw AppleErrors.translate(result, "listing images");
    }
    Object root;
    try {
      root = Json.parse(result.stdout().isBlank() ? "[]" : result.stdout());
    } catch (Json.MalformedJsonException e) {
      throw ContainerJson.malformed(result.command(), result.stdout(), e.getMessage());
    }
    List<Image> images = new ArrayList<>();
    for (Object item : Json.array(root).orElseThrow(() -> ContainerJson.malformed(result.command(),
        result.stdout(), "expected a JSON array of images"))) {
      Json.object(item).flatMap(AppleImageManager::image).ifPresent(images::add);
    }
    return images;
  }

  /**
   * One image of either shape: 1.x {@code {"id", "configuration": {"name", "descriptor": {"digest", "size"}},
   * "variants": [{"size"}]}}, before 1.0 {@code {"reference", "descriptor": {"digest", "size"}}}.
   */
  private static Optional<Image> image(Map<String, Object> item) {
    Map<String, Object> configuration = Json.object(item, "configuration").orElse(Map.of());
    Map<String, Object> descriptor = Json.object(configuration, "descriptor")
        .or(() -> Json.object(item, "descriptor")).orElse(Map.of());
    Optional<String> reference = Json.string(configuration, "name").or(() -> Json.string(item, "reference"))
        .or(() -> Json.string(item, "displayReference"));
    Optional<String> id = Json.string(item, "id").or(() -> Json.string(descriptor, "digest")).or(() -> reference);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    long size = 0;
    for (Object variant : Json.array(item, "variants")) {
      size += Json.object(variant).flatMap(v -> Json.number(v, "size")).map(BigDecimal::longValue).orElse(0L);
    }
    if (size == 0) {
      size = Json.number(descriptor, "size").map(BigDecimal::longValue).orElse(0L);
    }
    return Optional.of(new Image(id.get(), reference.map(List::of).orElse(List.of()), size));
  }

  @Override
  public void remove(String image) {
    requireReference(image);
    Cli.Result result = cli.run(List.of("image", "delete", image));
    if (!result.ok() && !AppleErrors.isNotFound(result)) {
      throw AppleErrors.translate(result, "removing image " + image);
    }
  }

  @Override
  public String build(Path contextDirectory, String tag, ProgressListener listener) {
    requireReference(tag);
    if (!Files.isDirectory(contextDirectory)) {
      throw new InvalidSpecException("build", List.of("contextDirectory: " + contextDirectory
          + " is not a directory"));
    }
    listener.onProgress(new Progress("build", tag, 0, -1, "building"));
    Cli.Result result = cli.run(List.of("build", "--tag", tag, "--progress", "plain",
        contextDirectory.toAbsolutePath().toString()), pullTimeout);
    if (result.exitCode() == AppleErrors.USAGE) {
      throw new UnsupportedFeatureException("This container CLI cannot build images (`container build` is "
          + "missing or differs: " + AppleErrors.describe(AppleErrors.parse(result)) + "); build elsewhere and "
          + "pull the image.");
    }
    if (!result.ok()) {
      throw new RuntimeOperationException("Building " + tag + " from " + contextDirectory + " failed: "
          + AppleErrors.describe(AppleErrors.parse(result)));
    }
    listener.onProgress(new Progress("build", tag, 1, 1, "built"));
    return tag;
  }

  private static void requireReference(String image) {
    if (image == null || image.isBlank() || image.startsWith("-")) {
      throw new InvalidSpecException("image", List.of("image: '" + image + "' is not an image reference"));
    }
  }
}
