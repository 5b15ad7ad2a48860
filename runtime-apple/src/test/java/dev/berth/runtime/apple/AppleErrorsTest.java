package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.WorkloadKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per error the CLI reports, with its real status and text, and the exception it becomes. */
class AppleErrorsTest {
  private static Cli.Result failed(int status, String stderr) {
    return new Cli.Result(List.of("stop", "-t", "5", "b-x"), status, "", stderr);
  }

  @Test
  void notFoundBecomesTheKindsNotFoundExceptionKeepingTheCliMessage() {
    Cli.Result result = failed(1, "Error: notFound: \"container with ID b-x not found\"\n");
    BerthException bot = AppleErrors.translate(result, "stopping bot 'x'", WorkloadKind.BOT, "x", "default");
    assertThat(bot).isInstanceOf(BotNotFoundException.class).hasMessageContaining("'x'")
        .hasMessageContaining("container with ID b-x not found");
    assertThat(AppleErrors.translate(result, "s", WorkloadKind.BACKTEST, "x", "default"))
        .isInstanceOf(BacktestNotFoundException.class);
    assertThat(AppleErrors.isNotFound(result)).isTrue();
  }

  @Test
  void existsBecomesTheKindsAlreadyExistsException() {
    Cli.Result result = failed(1, "Error: exists: \"container already exists: b-x\"");
    assertThat(AppleErrors.translate(result, "creating", WorkloadKind.BOT, "x", "s"))
        .isInstanceOf(BotAlreadyExistsException.class).hasMessageContaining("'x'");
    assertThat(AppleErrors.translate(result, "creating", WorkloadKind.BACKTEST, "x", "s"))
        .isInstanceOf(BacktestAlreadyExistsException.class);
  }

  @Test
  void invalidStateIsAnOperationErrorWithTheCliMessage() {
    Cli.Result result = failed(1, "Error: invalidState: \"container b-x is running and can not be deleted\"");
    assertThat(AppleErrors.isInvalidState(result)).isTrue();
    assertThat(AppleErrors.translate(result, "deleting bot 'x'", WorkloadKind.BOT, "x", "s"))
        .isExactlyInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("invalidState: \"container b-x is running and can not be deleted\"")
        .hasMessageContaining("deleting bot 'x'").hasMessageContaining("container stop -t 5 b-x");
  }

  @Test
  void invalidArgumentIsBadInputNamingWhatTheCliSaid() {
    Cli.Result result = failed(1, "Error: invalidArgument: \"minimum memory amount allowed is 200 MiB (got 67108864 "
        + "bytes)\"");
    assertThat(AppleErrors.isInvalidArgument(result)).isTrue();
    assertThat(AppleErrors.invalidSpec(result, "BotSpec", "creating bot 'x'")).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("minimum memory amount allowed is 200 MiB");
  }

  @Test
  void aStoppedServiceIsUnavailableWithTheHintToStartIt() {
    Cli.Result result = failed(1, "Error: interrupted: \"XPC connection error: Connection invalid\nEnsure container "
        + "system service has been started with `container system start`.\"");
    assertThat(AppleErrors.translate(result, "listing containers")).isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("XPC connection error: Connection invalid").hasMessageContaining("container system start");
    assertThat(AppleErrors.translate(result, "stopping", WorkloadKind.BOT, "x", "s"))
        .isInstanceOf(RuntimeUnavailableException.class);
  }

  @Test
  void aUsageErrorSaysTheCliDoesNotTakeTheArguments() {
    Cli.Result result = failed(64, "Error: Unknown option '--frobnicate'\nUsage: container stop [<options>]\n");
    assertThat(AppleErrors.translate(result, "stopping bot 'x'")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("usage error").hasMessageContaining("Unknown option '--frobnicate'")
        .hasMessageContaining("container --version");
  }

  @Test
  void anAggregateReportsItsFirstError() {
    Cli.Result result = failed(1, "Error: notFound: \"container with ID a not found\"\nnotFound: \"container with ID b "
        + "not found\"");
    assertThat(AppleErrors.parse(result)).isEqualTo(new AppleErrors.Parsed("notFound", "container with ID a not found"));
  }

  @Test
  void anErrorWithACauseKeepsItsMessage() {
    Cli.Result result = failed(1, "Error: internalError: \"failed to open container logs\" (cause: \"ENOENT\")");
    assertThat(AppleErrors.parse(result)).isEqualTo(new AppleErrors.Parsed("internalError",
        "failed to open container logs"));
  }

  @Test
  void textInNoKnownFormIsKeptWhole() {
    Cli.Result result = failed(1, "something odd happened");
    assertThat(AppleErrors.parse(result)).isEqualTo(new AppleErrors.Parsed("", "something odd happened"));
    assertThat(AppleErrors.translate(result, "starting bot 'x'")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("something odd happened").hasMessageContaining("exit 1");
    assertThat(AppleErrors.parse(new Cli.Result(List.of("x"), 1, "out only", "")).message()).isEqualTo("out only");
  }
}
