package dev.berth.runtime.testkit;

import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.WorkloadSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the mocks check of a spec's code, where and as the real backends check it. The code bundle and the
 * entrypoint are checked when the workload is created (bots) or submitted (backtests), as every backend
 * materialises the code then. The program is checked when it is launched, and only for a spec without an
 * image and without an entrypoint: such a spec runs as a host process (the local backend), and the mock
 * resolves its {@code command[0]} as that backend does. With an image the mock models a container backend
 * and cannot know what the image holds; with an entrypoint the program is the language's interpreter.
 *
 * <ul>
 *   <li>A bare name ({@code python3}) is searched on the spec's {@code PATH} env var, else the JVM's
 *       {@code PATH}; relative entries resolve against the bundle. Not found: the launch fails
 *       ({@code start} throws, a backtest ends FAILED "could not start").
 *   <li>A path ({@code /opt/bot/run}, {@code ./run.sh}) is used as given: an absolute one must be an
 *       executable file on this host, a relative one a file of the bundle. Missing: the workload starts and
 *       exits at once with 127, "command not found".
 * </ul>
 */
final class MockCode {
  /** The exit code of a program that could not be executed. */
  static final int NOT_FOUND = 127;
  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private MockCode() {}

  /** A program that cannot run: whether the launch itself fails, and why. */
  record ProgramProblem(boolean launchFails, String message) {}

  /**
   * Rejects a bundle that cannot be materialised (a missing directory or archive, an entry escaping the
   * workspace) and an entrypoint that is not a file of the bundle.
   *
   * @throws InvalidSpecException naming the workload, the entry or path, and the fix
   */
  static void checkBundle(WorkloadSpec spec) {
    try {
      Optional<CodeBundle> bundle = spec.codeBundle();
      if (bundle.isPresent() && bundle.get() instanceof CodeBundle.Directory) {
        Path dir = ((CodeBundle.Directory) bundle.get()).path();
        if (!Files.isDirectory(dir)) {
          throw MockArchives.rejectBundle("directory " + dir + " does not exist or is not a directory; check the "
              + "path");
        }
      } else if (bundle.isPresent() && bundle.get() instanceof CodeBundle.Archive) {
        CodeBundle.Archive archive = (CodeBundle.Archive) bundle.get();
        MockArchives.files(archive.path(), archive.format());
      }
      if (spec.entrypoint().isPresent() && !inBundle(spec, spec.entrypoint().get())) {
        List<String> found = listing(spec);
        throw new InvalidSpecException("code bundle", List.of("entrypoint: '" + spec.entrypoint().get() + "' is not "
            + "a file in the code bundle (found " + (found.isEmpty() ? "no files" : String.join(", ", found))
            + "); fix the entrypoint or the bundle"));
      }
    } catch (InvalidSpecException e) {
      InvalidSpecException named = new InvalidSpecException("code bundle of '" + spec.id() + "'", e.violations());
      named.initCause(e);
      throw named;
    }
  }

  /** Up to ten files of a directory or archive bundle, for messages. */
  private static List<String> listing(WorkloadSpec spec) {
    CodeBundle bundle = spec.codeBundle().orElse(null);
    if (bundle instanceof CodeBundle.Archive) {
      CodeBundle.Archive archive = (CodeBundle.Archive) bundle;
      return MockArchives.files(archive.path(), archive.format()).stream().sorted().limit(10).toList();
    }
    if (bundle instanceof CodeBundle.Directory) {
      Path dir = ((CodeBundle.Directory) bundle).path();
      try (Stream<Path> files = Files.walk(dir, 2)) {
        return files.filter(Files::isRegularFile).map(file -> dir.relativize(file).toString()).sorted().limit(10)
            .toList();
      } catch (IOException | UncheckedIOException e) {
        return List.of();
      }
    }
    return List.of();
  }

  /** Whether the bundle holds the regular file {@code relative}; true when the mock cannot tell (a stored one). */
  private static boolean inBundle(WorkloadSpec spec, String relative) {
    if (spec.codeBundle().isEmpty()) {
      return false;
    }
    CodeBundle bundle = spec.codeBundle().get();
    try {
      if (bundle instanceof CodeBundle.Directory) {
        Path dir = ((CodeBundle.Directory) bundle).path().toAbsolutePath().normalize();
        Path file = dir.resolve(relative).normalize();
        return file.startsWith(dir) && Files.isRegularFile(file);
      }
      if (bundle instanceof CodeBundle.Archive) {
        CodeBundle.Archive archive = (CodeBundle.Archive) bundle;
        return MockArchives.files(archive.path(), archive.format()).contains(MockArchives.normalise(relative));
      }
    } catch (InvalidSpecException | InvalidPathException e) {
      return false;
    }
    return true;
  }

  /** Why {@code command[0]} of a host-process spec cannot run; empty when it can, or the mock cannot tell. */
  static Optional<ProgramProblem> program(WorkloadSpec spec) {
    if (!spec.image().isEmpty() || spec.entrypoint().isPresent() || spec.command().isEmpty()) {
      return Optional.empty();
    }
    String program = spec.command().get(0);
    if (program.contains("/")) {
      return pathProblem(spec, program);
    }
    String path = spec.env().getOrDefault("PATH", Optional.ofNullable(System.getenv("PATH")).orElse(DEFAULT_PATH));
    for (String entry : path.split(":", -1)) {
      if (onPathEntry(spec, entry, program)) {
        return Optional.empty();
      }
    }
    return Optional.of(new ProgramProblem(true, "Starting " + spec.kind() + " '" + spec.id() + "' failed: program '"
        + program + "' not found on PATH=" + path + ". Install it, give its absolute path, or set PATH in the spec's "
        + "env; or give the spec an image, and the mock models a container backend that does not look for it."));
  }

  private static boolean onPathEntry(WorkloadSpec spec, String entry, String program) {
    try {
      if (entry.startsWith("/")) {
        Path candidate = Path.of(entry).resolve(program);
        return Files.isRegularFile(candidate) && Files.isExecutable(candidate);
      }
      return inBundle(spec, entry.isEmpty() ? program : entry + "/" + program);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static Optional<ProgramProblem> pathProblem(WorkloadSpec spec, String program) {
    boolean found;
    try {
      found = program.startsWith("/") ? Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program))
          : inBundle(spec, program);
    } catch (InvalidPathException e) {
      found = false;
    }
    String where = program.startsWith("/") ? "is not an executable file on this host"
        : "is not a file of the code bundle";
    return found ? Optional.empty() : Optional.of(new ProgramProblem(false, "command not found: '" + program + "' "
        + where));
  }
}
