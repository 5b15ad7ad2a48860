package dev.berth.runtime.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a {@link LaunchPlan} as a host process and collects its output; kills it if it hangs. */
final class Processes {
  private Processes() {}

  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(LaunchPlan plan, Path outputDir) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(plan.command()).directory(Path.of(plan.workingDirectory()).toFile());
    builder.environment().putAll(plan.environment());
    Path out = Files.createTempFile(outputDir, "stdout", ".txt");
    Path err = Files.createTempFile(outputDir, "stderr", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("process " + plan.command() + " did not exit within 60 s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
