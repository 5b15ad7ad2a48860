package dev.berth.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Pulls, lists, removes and builds container images. */
public interface ImageManager extends Feature {
  /** Pulls the image anonymously, reporting progress; returns when it is present locally. */
  void pull(String image, ProgressListener listener);

  /** Pulls the image from a registry that needs {@code credentials}; otherwise as {@link #pull(String, ProgressListener)}. */
  void pull(String image, RegistryCredentials credentials, ProgressListener listener);

  /** Whether the image is present locally. */
  boolean exists(String image);

  /** Images present locally. */
  List<Image> list();

  /** Removes the image; a no-op when absent. */
  void remove(String image);

  /**
   * Builds an image from a directory holding a {@code Dockerfile}.
   *
   * @return the new image's id
   */
  String build(Path contextDirectory, String tag, ProgressListener listener);

  /**
   * A local image.
   *
   * @param id the image id
   * @param tags its repository tags
   * @param sizeBytes its size
   */
  record Image(String id, List<String> tags, long sizeBytes) {
    public Image {
      Objects.requireNonNull(id, "id");
      tags = List.copyOf(tags);
    }
  }
}
