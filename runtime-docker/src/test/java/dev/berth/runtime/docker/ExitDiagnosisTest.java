package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExitDiagnosisTest {
  private static final String IMAGE = "local/busybox:1";

  @Test
  void theInitsExecFailureNamesTheMissingProgramAndTheImage() {
    assertThat(ExitDiagnosis.describeExit(127, List.of("starting",
        "[FATAL tini (7)] exec python3 failed: No such file or directory"), IMAGE))
        .isEqualTo("exited with code 127: the image local/busybox:1 has no 'python3' on its PATH ([FATAL tini (7)] "
            + "exec python3 failed: No such file or directory). Use an image that has python3, or change the "
            + "command or language to a program the image has.");
  }

  @Test
  void aShellThatCannotFindTheProgramIsUnderstoodToo() {
    assertThat(ExitDiagnosis.describeExit(127, List.of("sh: python3: not found"), IMAGE))
        .contains("has no 'python3' on its PATH");
    assertThat(ExitDiagnosis.describeExit(127, List.of("/bin/sh: 1: node: not found"), IMAGE))
        .contains("has no 'node' on its PATH");
    assertThat(ExitDiagnosis.describeExit(127, List.of("[FATAL tini (7)] exec /bot/run failed: No such file or "
        + "directory"), IMAGE)).contains("has no file '/bot/run'");
  }

  @Test
  void aProgramThatIsThereButCannotRunExitsWith126() {
    assertThat(ExitDiagnosis.describeExit(126, List.of("[FATAL tini (7)] exec /bot/run.sh failed: Permission "
        + "denied"), IMAGE)).startsWith("exited with code 126: '/bot/run.sh' in the image local/busybox:1 is not "
        + "executable");
  }

  @Test
  void otherwiseTheExitCodeIsAllThereIsToSay() {
    assertThat(ExitDiagnosis.describeExit(3, List.of("sh: python3: not found"), IMAGE))
        .isEqualTo("exited with code 3");
    assertThat(ExitDiagnosis.describeExit(127, List.of("python3: can't open file 'x.py'"), IMAGE))
        .isEqualTo("exited with code 127");
    assertThat(ExitDiagnosis.describeExit(127, List.of(), IMAGE)).isEqualTo("exited with code 127");
    assertThat(ExitDiagnosis.needsLog(1)).isFalse();
  }
}
