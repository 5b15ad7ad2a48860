package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BacktestSpec;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Job of a backtest: one pod that is never retried ({@code backoffLimit} 0, restart policy {@code Never}),
 * ended by Kubernetes at {@code activeDeadlineSeconds} (the spec's timeout) should Berth's runner be gone, and
 * removed {@code ttlSecondsAfterFinished} after it ends (unless kept). Its main container runs the launch plan under
 * a small constant wrapper that ships the result file: through the presigned PUT URL when a store is configured,
 * and, up to 4 KiB, through the termination message.
 */
final class JobManifests {
  /** Results up to this size also travel in the termination message (Kubernetes allows 4 KiB per container). */
  static final int TERMINATION_MESSAGE_LIMIT = 4096;
  /** The wrapper's {@code $0}, as {@code ps} in the container shows it. */
  static final String WRAPPER_NAME = "berth-backtest";
  /**
   * The longest {@code activeDeadlineSeconds} Berth writes: 100 years. Longer timeouts (up to
   * {@code BacktestSpec.FOREVER}) are still enforced by the runner itself.
   */
  static final long MAX_DEADLINE_SECONDS = 100L * 365 * 24 * 3600;

  /**
   * Constant text: the program, the result path and the URL reach it as arguments and environment values. The
   * exit code is the program's; SIGTERM is passed on to it.
   */
  static final String WRAPPER = "\"$@\" &\n"
      + "child=$!\n"
      + "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT\n"
      + "wait \"$child\"\n"
      + "code=$?\n"
      + "while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; code=$?; done\n"
      + "result=\"$BERTH_RESULT_PATH\"\n"
      + "if [ -f \"$result\" ]; then\n"
      + "  if [ -n \"${BERTH_RESULT_URL:-}\" ]; then\n"
      + "    if command -v curl >/dev/null 2>&1; then\n"
      + "      curl -fsS -X PUT --upload-file \"$result\" \"$BERTH_RESULT_URL\" "
      + "|| echo 'berth: uploading the result with curl failed' >&2\n"
      + "    elif command -v wget >/dev/null 2>&1 && wget --help 2>&1 | grep -q -- --method; then\n"
      + "      wget -q -O /dev/null --method=PUT --body-file=\"$result\" \"$BERTH_RESULT_URL\" "
      + "|| echo 'berth: uploading the result with wget failed' >&2\n"
      + "    elif command -v python3 >/dev/null 2>&1; then\n"
      + "      python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], "
      + "data=open(sys.argv[2], \"rb\").read(), method=\"PUT\"))' \"$BERTH_RESULT_URL\" \"$result\" "
      + "|| echo 'berth: uploading the result with python3 failed' >&2\n"
      + "    else\n"
      + "      echo 'berth: cannot upload the result: the image has none of curl, GNU wget (with --method) or python3; "
      + "add one of them, or run without an object store so that results up to 4 KiB travel in the termination "
      + "message' >&2\n"
      + "    fi\n"
      + "  fi\n"
      + "  if [ \"$(wc -c < \"$result\")\" -le " + TERMINATION_MESSAGE_LIMIT + " ]; then "
      + "cat \"$result\" > /dev/termination-log; fi\n"
      + "fi\n"
      + "exit \"$code\"\n";

  private final KubernetesSettings settings;
  private final PodTemplates pods;

  JobManifests(KubernetesSettings settings) {
    this.settings = settings;
    this.pods = new PodTemplates(settings);
  }

  /**
   * A timeout in whole seconds, rounded up, at most {@link #MAX_DEADLINE_SECONDS}: the Job controller turns the
   * field into nanoseconds in a signed 64-bit value, which a longer deadline would overflow into one already past.
   */
  static long deadlineSeconds(Duration timeout) {
    long seconds = timeout.getSeconds();
    if (seconds >= MAX_DEADLINE_SECONDS) {
      return MAX_DEADLINE_SECONDS;
    }
    return Math.max(1, timeout.getNano() > 0 ? seconds + 1 : seconds);
  }

  static String jobName(String scope, String id) {
    return KubeLabels.name(scope, id, 63);
  }

  /** The main container's argv: the wrapper, then the launch plan's program and arguments under {@link StreamTags}. */
  static List<String> wrapped(List<String> command) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", WRAPPER, WRAPPER_NAME));
    argv.addAll(StreamTags.wrap(command, StreamTags.RUN_ALWAYS));
    return argv;
  }

  V1Job job(BacktestSpec spec, CodePackager.Packed packed, Map<String, String> metadata, boolean resultUrl) {
    String name = jobName(settings.scope(), spec.id());
    V1JobSpec job = new V1JobSpec().backoffLimit(0).completions(1).parallelism(1)
        .activeDeadlineSeconds(deadlineSeconds(spec.timeout()))
        .template(pods.template(new PodTemplates.Inputs(spec, packed, name, PodTemplates.BACKTEST_CONTAINER, "Never",
            wrapped(packed.plan().command()), resultUrl)));
    if (!spec.keep()) {
      job.ttlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, settings.jobTtl().toSeconds()));
    }
    return new V1Job().apiVersion("batch/v1").kind("Job")
        .metadata(new V1ObjectMeta().name(name)
            .labels(KubeLabels.sorted(KubeLabels.forWorkload(settings.scope(), spec)))
            .annotations(new LinkedHashMap<>(new TreeMap<>(metadata))))
        .spec(job);
  }
}
