package dev.berth.runtime;

/** Receives {@link Progress} reports; called from the thread doing the work, so keep it quick. */
@FunctionalInterface
public interface ProgressListener {
  /** Ignores every report. */
  ProgressListener NONE = progress -> { };

  void onProgress(Progress progress);
}
