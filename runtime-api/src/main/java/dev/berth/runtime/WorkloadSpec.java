package dev.berth.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What bots and backtests have in common: how to run the workload. Backends implement the shared parts
 * (image, command, code, environment, limits) once against this interface.
 */
public sealed interface WorkloadSpec permits BotSpec, BacktestSpec {
  /** Environment variable holding the workload's id. Set by Berth; a spec may not set it. */
  String BOT_ID_ENV = "BOT_ID";
  /** Environment variable holding the config JSON. Set by Berth; a spec may not set it. */
  String BOT_CONFIG_ENV = "BOT_CONFIG";
  /** File name of the config JSON in the workload's working directory. */
  String CONFIG_FILE = "config.json";

  /** The caller's id, a DNS-1123 label (see {@link WorkloadKind#requireValidId}). */
  String id();

  /** Container image (container backends); empty when only a local process is meant. */
  String image();

  /** The program and its arguments, as an argument list (never a shell string); may be empty. */
  List<String> command();

  /** Code to materialise into the workload's working directory. */
  Optional<CodeBundle> codeBundle();

  /** The bundle file to launch, relative to the bundle root, e.g. {@code strategy.py}. */
  Optional<String> entrypoint();

  /** Interpreter for the entrypoint: {@code python3}, {@code python3.11}, {@code nodejs20}, {@code java}, {@code command}. */
  Optional<String> language();

  /** Extra environment variables. */
  Map<String, String> env();

  /** Config JSON text, delivered as {@value #CONFIG_FILE} and {@value #BOT_CONFIG_ENV}. */
  String config();

  /**
   * User labels; keys starting with {@code berth.} are reserved, except the fleet labels
   * {@value BotFilter#SEGMENT_LABEL} and {@value BotFilter#SPEC_HASH_LABEL}.
   */
  Map<String, String> labels();

  Resources resources();

  NetworkMode networkMode();

  List<Mount> mounts();

  PullPolicy pullPolicy();

  Optional<RegistryCredentials> registryCredentials();

  /** Backend-specific settings, documented per backend (e.g. {@code docker.read-only-rootfs=true}). */
  Map<String, String> options();

  /** {@link WorkloadKind#BOT} or {@link WorkloadKind#BACKTEST}. */
  WorkloadKind kind();
}
