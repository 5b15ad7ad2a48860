package dev.berth.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs long-lived bots on one backend (Docker, Kubernetes, local processes, Apple's {@code container}).
 * Callers name bots; the runtime finds its containers, pods or processes by label, so a new process can
 * manage bots an earlier one created.
 *
 * <pre>{@code
 * import dev.berth.runtime.Runtime;   // not a wildcard: java.lang.Runtime shares the simple name
 *
 * try (Runtime runtime = Runtimes.create("docker", RuntimeConfig.fromEnvironment())) {
 *   runtime.create(BotSpec.builder("ticker").image("busybox:1.36")
 *       .command("sh", "-c", "while true; do date; sleep 1; done").build());
 *   runtime.start("ticker");
 *   try (Stream<LogLine> lines = runtime.logs("ticker", LogOptions.tail(10))) {
 *     lines.forEach(System.out::println);
 *   }
 *   runtime.stop("ticker", Duration.ofSeconds(10));
 *   runtime.delete("ticker");
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe; calls for the same id are serialised. Every method taking an id throws
 * {@link InvalidSpecException} for an id that is not a DNS-1123 label (see
 * {@link WorkloadKind#requireValidId}), and every such method except {@link #delete} throws
 * {@link BotNotFoundException} for a valid id this runtime's scope does not know.
 *
 * <p>{@link #close()} releases clients and threads but never stops bots. After it, every method except
 * {@code close()}, {@link #type()} and {@link #health()} (which reports the runtime unhealthy) throws
 * {@link RuntimeClosedException}.
 */
public interface Runtime extends AutoCloseable {
  /** The grace period of {@link #stop(String)} when config key {@code stop-grace} is not set. */
  Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

  /** The backend's type: {@code docker}, {@code kubernetes}, {@code local}, {@code apple}, {@code mock}. */
  String type();

  /**
   * Creates the bot without starting it. Everything a failed create made is rolled back.
   *
   * @throws BotAlreadyExistsException when the id is taken; nothing is changed
   * @throws UnsupportedFeatureException when the spec asks for something this backend cannot do
   */
  BotStatus create(BotSpec spec);

  /** Starts the bot; a no-op when it is running. On return it is RUNNING or has already exited. */
  void start(String botId);

  /** Asks the bot to stop (SIGTERM), kills it after {@code grace}. A no-op when it is not running. */
  void stop(String botId, Duration grace);

  /**
   * Stops with this runtime's configured grace (config key {@code stop-grace}, or the builder's
   * {@code stopGrace}; default {@link #DEFAULT_STOP_GRACE 10 s}).
   */
  void stop(String botId);

  /** Stops (with the configured grace) and starts the bot. Does not count as a policy restart. */
  void restart(String botId);

  /** Stops the bot if running (configured grace) and removes it with its files. A no-op for an unknown id. */
  void delete(String botId);

  /** The bot's current state. */
  BotStatus status(String botId);

  /** The IP address or host name where the bot can be reached, once it has one. */
  Optional<String> address(String botId);

  /** The address at which a workload reaches this host (e.g. the Docker bridge gateway). */
  String hostAddress();

  /**
   * The bot's log lines. With {@link LogOptions#following()} the stream stays open until the bot stops or the
   * stream is closed; close it in every case (try-with-resources) to release its thread and connection.
   */
  Stream<LogLine> logs(String botId, LogOptions options);

  /** All existing log lines of the bot, without following. */
  default Stream<LogLine> logs(String botId) {
    return logs(botId, LogOptions.DEFAULT);
  }

  /**
   * Applies changes: in place where the backend can, otherwise by recreating the bot (same id; running
   * again afterwards if it ran). Which fields recreate is documented per backend.
   */
  BotStatus update(String botId, BotUpdate update);

  /** The managed bots of this runtime's scope that match; never foreign workloads. */
  List<BotStatus> list(BotFilter filter);

  /** All managed bots of this runtime's scope. */
  default List<BotStatus> list() {
    return list(BotFilter.ALL);
  }

  /** Whether the backend answers now; never throws (a closed runtime is reported unhealthy). */
  Health health();

  /** What this backend enforces and supports. */
  Capabilities capabilities();

  /** An optional capability, or empty when this backend does not offer it. */
  <F extends Feature> Optional<F> feature(Class<F> type);

  /**
   * An optional capability the caller cannot work without.
   *
   * @throws UnsupportedFeatureException naming the feature and the runtimes that offer it
   */
  default <F extends Feature> F require(Class<F> type) {
    return feature(type).orElseThrow(() -> UnsupportedFeatureException.of(type, type()));
  }

  /** Releases clients and threads. Never stops running bots. Idempotent. */
  @Override
  void close();
}
