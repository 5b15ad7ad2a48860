package dev.berth.runtime.apple;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed CLI call into the Berth exception that says what happened, keeping the CLI's own words.
 * The CLI reports errors as exit status 1 and {@code Error: <code>: "<message>"} on stderr (ArgumentParser's
 * format around a {@code ContainerizationError}); usage errors exit 64; a stopped service shows
 * {@code XPC connection error} and the hint to run {@code container system start}.
 */
final class AppleErrors {
  /** ArgumentParser's exit status for a usage error (EX_USAGE). */
  static final int USAGE = 64;
  /** One coded error; an aggregate prints more, one per line, after the first. */
  private static final Pattern CODED = Pattern.compile(
      "Error: ([A-Za-z]+): \"(.*?)\"(?: \\(cause: .*?\\))?(?=\n[A-Za-z]+: \"|\\s*$)", Pattern.DOTALL);

  /**
   * The error the CLI printed.
   *
   * @param code the ContainerizationError code ({@code notFound}, {@code exists}, {@code invalidState}, ...),
   *     empty when the text had another form
   * @param message the CLI's message, or its whole stderr when it had no known form
   */
  record Parsed(String code, String message) {}

  private AppleErrors() {}

  static Parsed parse(Cli.Result result) {
    String stderr = result.stderr().strip();
    int at = stderr.indexOf("Error: ");
    String error = at < 0 ? stderr : stderr.substring(at);
    Matcher m = CODED.matcher(error);
    if (m.lookingAt()) {
      return new Parsed(m.group(1), m.group(2));
    }
    String message = error.startsWith("Error: ") ? error.substring(7) : error;
    return new Parsed("", message.isEmpty() ? result.stdout().strip() : message);
  }

  static boolean isNotFound(Cli.Result result) {
    return !result.ok() && parse(result).code().equals("notFound");
  }

  static boolean isExists(Cli.Result result) {
    return !result.ok() && parse(result).code().equals("exists");
  }

  /** A running container that may not be deleted without {@code -f}, or one in the middle of a transition. */
  static boolean isInvalidState(Cli.Result result) {
    return !result.ok() && parse(result).code().equals("invalidState");
  }

  /** The CLI refused a value ({@code invalidArgument}), e.g. less memory than a VM needs: bad input. */
  static InvalidSpecException invalidSpec(Cli.Result result, String subject, String action) {
    return new InvalidSpecException(subject, List.of("the container CLI refused it while " + action + ": "
        + describe(parse(result))));
  }

  static boolean isInvalidArgument(Cli.Result result) {
    return !result.ok() && parse(result).code().equals("invalidArgument");
  }

  static boolean isServiceDown(Cli.Result result) {
    String text = result.stderr() + result.stdout();
    return text.contains("XPC connection error") || text.contains("container system start")
        || text.contains("apiserver is not running");
  }

  /** The exception for a failed call; {@code action} says what Berth was doing ("starting bot 'x'"). */
  static BerthException translate(Cli.Result result, String action) {
    Parsed parsed = parse(result);
    if (isServiceDown(result)) {
      return new RuntimeUnavailableException("Apple's container service is not running while " + action + ": "
          + describe(parsed) + ". Start it with `container system start`.");
    }
    if (result.exitCode() == USAGE) {
      return new RuntimeOperationException("The container CLI rejected `" + result.command() + "` as a usage error "
          + "(exit " + USAGE + ") while " + action + ": " + describe(parsed) + ". Berth speaks the arguments of "
          + "container 1.x; check `container --version`.");
    }
    return new RuntimeOperationException("`" + result.command() + "` failed (exit " + result.exitCode() + ") while "
        + action + ": " + describe(parsed));
  }

  /**
   * As {@link #translate(Cli.Result, String)}, mapping {@code notFound} and {@code exists} to the not-found and
   * already-exists exceptions of {@code kind}, with the CLI's message added.
   */
  static BerthException translate(Cli.Result result, String action, WorkloadKind kind, String id, String scope) {
    Parsed parsed = parse(result);
    if (parsed.code().equals("notFound")) {
      String message = "No " + kind.label() + " with id '" + id + "' exists in scope '" + scope + "' (the container "
          + "CLI says " + describe(parsed) + "). Check the id, or create it first.";
      return kind == WorkloadKind.BOT ? new BotNotFoundException(id, scope, message)
          : new BacktestNotFoundException(id, scope, message);
    }
    if (parsed.code().equals("exists")) {
      return kind == WorkloadKind.BOT ? new BotAlreadyExistsException(id, scope)
          : new BacktestAlreadyExistsException(id, scope);
    }
    return translate(result, action);
  }

  static String describe(Parsed parsed) {
    return parsed.code().isEmpty() ? parsed.message() : parsed.code() + ": \"" + parsed.message() + "\"";
  }
}
