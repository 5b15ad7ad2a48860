package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotSpec;

/**
 * One planned action on one bot.
 *
 * @param action what to do
 * @param botId the bot
 * @param hash the desired spec's hash; empty for a delete
 * @param create the spec to create the bot from (labelled, restart policy taken over); null unless the action
 *     creates
 */
record Step(ReconcileReport.Action action, String botId, String hash, BotSpec create) {
  /** The phase the step runs in: deletes free names and resources before creates need them. */
  int phase() {
    switch (action) {
      case DELETE:
        return 0;
      case RECREATE:
        return 1;
      case CREATE:
        return 2;
      default:
        return 3;
    }
  }
}
