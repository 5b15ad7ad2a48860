package dev.berth.runtime.core.schedule;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.Mount;
import java.time.Duration;

/** A bot spec as a workload that runs once: the same program, code, config and limits, with a timeout. */
final class OneShot {
  private OneShot() {}

  static BacktestSpec of(BotSpec bot, Duration timeout) {
    BacktestSpec.Builder spec = BacktestSpec.builder(bot.id()).image(bot.image()).command(bot.command())
        .env(bot.env()).config(bot.config()).labels(bot.labels()).resources(bot.resources())
        .networkMode(bot.networkMode()).pullPolicy(bot.pullPolicy()).timeout(timeout);
    bot.codeBundle().ifPresent(spec::codeBundle);
    bot.entrypoint().ifPresent(spec::entrypoint);
    bot.language().ifPresent(spec::language);
    bot.registryCredentials().ifPresent(spec::registryCredentials);
    for (Mount mount : bot.mounts()) {
      spec.mount(mount);
    }
    bot.options().forEach(spec::option);
    return spec.build();
  }
}
