package dev.berth.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs helper containers next to a bot (a metrics exporter, a local proxy), sharing its network. Removed
 * with the bot.
 */
public interface SidecarManager extends Feature {
  /**
   * Starts the sidecar.
   *
   * @param botId the bot it runs next to
   * @param spec what to run
   * @return the started sidecar
   * @throws BotNotFoundException when the bot is unknown
   */
  Sidecar start(String botId, SidecarSpec spec);

  /**
   * The sidecar's state.
   *
   * @param botId the bot it runs next to
   * @param name the sidecar's name
   * @return the sidecar as it is now
   * @throws BotNotFoundException when the bot or sidecar is unknown
   */
  Sidecar inspect(String botId, String name);

  /** The bot's sidecars. */
  List<Sidecar> list(String botId);

  /** Stops and removes the sidecar; a no-op when unknown. */
  void remove(String botId, String name);

  /**
   * What to run next to the bot.
   *
   * @param name unique per bot, a DNS-1123 label
   * @param image the image
   * @param command argv; empty for the image's default
   * @param env environment variables
   */
  record SidecarSpec(String name, String image, List<String> command, Map<String, String> env) {
    public SidecarSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(image, "image");
      command = List.copyOf(command);
      env = Map.copyOf(env);
      new Violations("SidecarSpec").id("name", name)
          .check(!image.isBlank(), "image", "is empty; give the sidecar's image").throwIfAny();
    }
  }

  /**
   * A running or exited sidecar.
   *
   * @param botId the bot it belongs to
   * @param name its name
   * @param state its state, in bot terms
   * @param runtimeId the backend's id
   * @param address where it listens, when known
   */
  record Sidecar(String botId, String name, BotState state, String runtimeId, Optional<String> address) {
    public Sidecar {
      Objects.requireNonNull(botId, "botId");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(runtimeId, "runtimeId");
      Objects.requireNonNull(address, "address");
    }
  }
}
