package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.core.internal.shipping.LogStore.StoreFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shipping passes: lists the runtime's bots, forgets the deleted ones, and ships the others with at most
 * {@code concurrency} at a time, each worker holding one chunk of at most {@code chunkBytes}. Passes must
 * not overlap; the caller serialises them.
 */
public final class ShippingEngine {
  private static final Logger LOG = LoggerFactory.getLogger(ShippingEngine.class);

  private final Runtime runtime;
  private final LogStore store;
  private final int concurrency;
  private final int chunkBytes;
  private final ExecutorService workers;
  private final Map<String, TrackedBot> tracked = new ConcurrentHashMap<>();

  /**
   * @param workers runs {@code concurrency - 1} workers next to the calling thread; unused when
   *     {@code concurrency} is 1
   */
  public ShippingEngine(Runtime runtime, LogStore store, int concurrency, int chunkBytes,
      ExecutorService workers) {
    this.runtime = runtime;
    this.store = store;
    this.concurrency = concurrency;
    this.chunkBytes = chunkBytes;
    this.workers = workers;
  }

  /** The bots the engine keeps a cursor for. */
  public Set<String> trackedBots() {
    return Set.copyOf(tracked.keySet());
  }

  /** One pass over every managed bot; never throws for a bot's, the store's or the runtime's failure. */
  public PassTally pass() {
    PassTally tally = new PassTally();
    long callsBefore = store.calls();
    try {
      List<BotStatus> bots;
      try {
        bots = runtime.list();
      } catch (RuntimeException e) {
        tally.runtimeFailed("listing the bots of the " + runtime.type() + " runtime failed: " + e.getMessage());
        return tally;
      }
      tally.bots(bots.size());
      forgetDeleted(bots, tally);
      Queue<BotStatus> queue = new ConcurrentLinkedQueue<>(bots);
      List<Future<?>> helpers = new ArrayList<>();
      for (int i = 1; i < Math.min(concurrency, bots.size()); i++) {
        helpers.add(workers.submit(() -> drain(queue, tally)));
      }
      drain(queue, tally);
      await(helpers);
      queue.forEach(left -> tally.deferredOne());
      warnOfIsolatedStoreFailures(tally);
      return tally;
    } finally {
      tally.storeCalls(store.calls() - callsBefore);
    }
  }

  /**
   * Ships only {@code botIds}, one after the other (e.g. bots that just stopped); never throws for a bot's, the
   * store's or the runtime's failure. A bot no longer there is forgotten.
   */
  public PassTally passOf(List<String> botIds) {
    PassTally tally = new PassTally();
    long callsBefore = store.calls();
    BotShipper shipper = new BotShipper(runtime, store, chunkBytes);
    try {
      for (String id : botIds) {
        if (tally.stopped()) {
          tally.deferredOne();
          continue;
        }
        BotStatus status;
        try {
          status = runtime.status(id);
        } catch (BotNotFoundException e) {
          tracked.remove(id);
          continue;
        } catch (RuntimeException e) {
          tally.runtimeFailed("reading the status of bot '" + id + "' failed: " + e.getMessage());
          continue;
        }
        tally.bots(tally.bots() + 1);
        TrackedBot bot = tracked.computeIfAbsent(id, TrackedBot::new);
        shipOne(shipper, bot, status, tally);
        bot.quietStatus = null; // so soon after the end, its last lines may still be on their way to the log
      }
      return tally;
    } finally {
      tally.storeCalls(store.calls() - callsBefore);
    }
  }

  private void forgetDeleted(List<BotStatus> bots, PassTally tally) {
    Set<String> listed = new HashSet<>();
    bots.forEach(status -> listed.add(status.id()));
    int before = tracked.size();
    tracked.keySet().retainAll(listed);
    tally.forgotten(before - tracked.size());
  }

  private void drain(Queue<BotStatus> queue, PassTally tally) {
    BotShipper shipper = new BotShipper(runtime, store, chunkBytes);
    BotStatus status;
    while (!tally.stopped() && (status = queue.poll()) != null) {
      TrackedBot bot = tracked.computeIfAbsent(status.id(), TrackedBot::new);
      shipOne(shipper, bot, status, tally);
    }
  }

  private void shipOne(BotShipper shipper, TrackedBot bot, BotStatus status, PassTally tally) {
    try {
      if (shipper.ship(bot, status, tally) > 0) {
        tally.botShipped();
      }
      if (shipper.usedStore()) {
        tally.storeAnswered();
      }
      if (bot.warned) {
        LOG.info("Shipping the log of bot '{}' (scope '{}') works again", bot.id, store.scope());
        bot.warned = false;
      }
    } catch (StoreFailure e) {
      LOG.debug("Shipping the log of bot '{}' failed on the store", bot.id, e);
      tally.storeFailed(bot.id, e.getMessage());
    } catch (BotNotFoundException e) {
      tracked.remove(bot.id); // deleted since the listing: its log went with it
      LOG.debug("Bot '{}' was deleted while its log was shipped", bot.id);
    } catch (RuntimeUnavailableException e) {
      // the engine is down for every bot: one warning for the runtime, and the pass ends here
      tally.runtimeFailed("reading the log of bot '" + bot.id + "' failed: " + e.getMessage());
      LOG.debug("Reading the log of bot '{}' failed: the runtime is unavailable", bot.id, e);
    } catch (RuntimeException e) {
      tally.botFailed(bot.id, "shipping the log of bot '" + bot.id + "' failed: " + e.getMessage());
      LOG.debug("Shipping the log of bot '{}' failed", bot.id, e);
      if (!bot.warned) {
        bot.warned = true;
        LOG.warn("Shipping the log of bot '{}' (scope '{}') failed: {}. Other bots are shipped; this one is "
            + "retried every pass.", bot.id, store.scope(), e.getMessage());
      }
    }
  }

  /** A store failure that is not an outage concerns one bot (e.g. its key): warned once, like other failures. */
  private void warnOfIsolatedStoreFailures(PassTally tally) {
    if (tally.storeOutage().isPresent()) {
      return; // reported once for the whole store by the caller
    }
    for (String id : tally.storeFailedBots()) {
      TrackedBot bot = tracked.get(id);
      if (bot != null && !bot.warned) {
        bot.warned = true;
        LOG.warn("Shipping the log of bot '{}' (scope '{}') failed: {}. Other bots are shipped; this one is "
            + "retried every pass.", id, store.scope(), tally.failures().get(id));
      }
    }
  }

  private static void await(List<Future<?>> helpers) {
    boolean interrupted = false;
    try {
      for (Future<?> helper : helpers) {
        while (true) {
          try {
            helper.get();
            break;
          } catch (InterruptedException e) {
            interrupted = true; // the helpers hold bots of this pass: let them finish their current one
          } catch (ExecutionException e) {
            throw new RuntimeOperationException("A log shipping worker failed: " + e.getCause(), e.getCause());
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
