package dev.berth.runtime;

/** When a container backend pulls the workload's image. */
public enum PullPolicy {
  /** Pull only when the image is not present locally (the default). */
  IF_NOT_PRESENT,
  /** Pull before every create, so a moving tag is refreshed. */
  ALWAYS,
  /** Never pull; fail when the image is missing. */
  NEVER
}
