package dev.berth.runtime.docker;

/**
 * An image reference split into repository and tag (or digest), because the pull API pulls every tag of a
 * repository when no tag is given.
 */
record ImageRef(String repository, String tag) {
  static ImageRef parse(String image) {
    int at = image.indexOf('@');
    if (at > 0) {
      return new ImageRef(image.substring(0, at), image.substring(at + 1));
    }
    int colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/')) {
      return new ImageRef(image.substring(0, colon), image.substring(colon + 1));
    }
    return new ImageRef(image, "latest");
  }
}
