package dev.berth.runtime.core.internal;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A per-workload directory holding the bundle's files, {@code config.json} and the launcher files in
 * {@code .berth/}. Closing it deletes the directory with everything in it, so a workload leaves nothing
 * behind; symbolic links inside are removed, never followed.
 *
 * <pre>{@code
 * try (Workspace workspace = materializer.materialize(spec, stateDir.resolve(spec.id()))) {
 *   LaunchPlan plan = Entrypoints.plan(spec, workspace.root(), workspace.root().toString(), InterpreterResolver.host());
 *   ...
 * }
 * }</pre>
 */
public final class Workspace implements AutoCloseable {
  private final Path root;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Workspace(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  /**
   * Takes ownership of an existing workspace directory, e.g. one a previous JVM created and a backend
   * re-adopted, so that {@link #close()} removes it.
   */
  public static Workspace of(Path root) {
    return new Workspace(root);
  }

  /** The directory, absolute. */
  public Path root() {
    return root;
  }

  /**
   * Deletes the directory recursively. Idempotent; a directory already gone is fine.
   *
   * @throws dev.berth.runtime.RuntimeOperationException when a file cannot be deleted
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Directories.deleteRecursively(root);
    }
  }

  @Override
  public String toString() {
    return "Workspace[" + root + "]";
  }
}
