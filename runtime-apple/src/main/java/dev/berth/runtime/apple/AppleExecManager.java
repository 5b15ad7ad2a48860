package dev.berth.runtime.apple;

import dev.berth.runtime.ExecManager;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.WorkloadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a command in a running bot with {@code container exec}; the CLI exits with the command's exit code.
 * A CLI error (the bot is not running) also exits non-zero, but says {@code Error: <code>: "..."} on stderr,
 * which tells the two apart.
 */
final class AppleExecManager implements ExecManager {
  private final Containers containers;
  private final Consumer<String> requireOpen;

  AppleExecManager(Containers containers, Consumer<String> requireOpen) {
    this.containers = containers;
    this.requireOpen = requireOpen;
  }

  @Override
  public ExecResult exec(String botId, List<String> command, Duration timeout) {
    requireOpen.accept(botId);
    WorkloadKind.BOT.requireValidId(botId);
    if (command.isEmpty()) {
      throw new InvalidSpecException("exec", List.of("command: is empty; give the program to run"));
    }
    ContainerInfo container = containers.require(botId);
    List<String> args = new ArrayList<>(command.size() + 2);
    args.add("exec");
    args.add(container.name());
    args.addAll(command);
    Cli.Result result = containers.cli().run(args, timeout);
    if (!result.ok() && result.stderr().startsWith("Error: ") && !AppleErrors.parse(result).code().isEmpty()) {
      throw AppleErrors.translate(result, "running a command in bot '" + botId + "'", WorkloadKind.BOT, botId,
          containers.scope());
    }
    return new ExecResult(result.exitCode(), result.stdout(), result.stderr());
  }
}
