package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.core.internal.shipping.LogStore.StoreFailure;
import java.time.LocalDate;
import dev.berth.runtime.core.internal.LogCursor;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Ships one bot's new lines: streams them from the runtime into a bounded chunk, and for every full chunk
 * writes the chunk, then the cursor after it. One per worker; it reuses its buffer from bot to bot.
 *
 * <p>The chunk's key follows from the cursor (its sequence, and the day of its first line, which the
 * cursor determines), so when the cursor write after a chunk fails and the process ends before it is
 * retried, the next shipper resumes from the old cursor and replaces that same chunk instead of adding a
 * second copy of its lines.
 */
final class BotShipper {
  private final Runtime runtime;
  private final LogStore store;
  private final ChunkBuffer chunk;
  private boolean usedStore;

  BotShipper(Runtime runtime, LogStore store, int chunkBytes) {
    this.runtime = runtime;
    this.store = store;
    this.chunk = new ChunkBuffer(chunkBytes);
  }

  /**
   * Ships what is new, counting every stored chunk in {@code tally} as it is stored.
   *
   * @return how many lines were shipped
   * @throws StoreFailure when the store failed (what was shipped before it stays shipped)
   * @throws RuntimeException from the runtime, e.g. BotNotFoundException once the bot is gone
   */
  long ship(TrackedBot bot, BotStatus status, PassTally tally) {
    usedStore = false;
    if (bot.cursor == null) {
      usedStore = true;
      bot.cursor = store.readCursor(bot.id).orElseGet(ShippingCursor::start);
    }
    if (bot.unsavedCursor != null) {
      usedStore = true;
      store.writeCursor(bot.id, bot.unsavedCursor);
      bot.cursor = bot.unsavedCursor;
      bot.unsavedCursor = null;
    }
    if (bot.isQuiet(status)) {
      return 0;
    }
    long lines = 0;
    chunk.clear();
    try (Stream<LogLine> stream = runtime.logs(bot.id, bot.cursor.logOptions())) {
      Predicate<LogLine> notShipped = bot.cursor.notShipped();
      LogCursor position = bot.cursor.position();
      Iterator<LogLine> it = stream.iterator();
      while (it.hasNext()) {
        LogLine line = it.next();
        if (!notShipped.test(line)) {
          continue;
        }
        byte[] encoded = LogLayout.encode(line);
        LocalDate day = LogLayout.day(line);
        if (!chunk.accepts(encoded.length, day)) {
          lines += flush(bot, position, tally);
        }
        chunk.add(encoded, day);
        position.delivered(line);
      }
      if (!chunk.isEmpty()) {
        lines += flush(bot, position, tally);
      }
    } finally {
      chunk.clear(); // the lines of a chunk that could not be stored are read again next time
    }
    bot.shipped(status, lines);
    return lines;
  }

  /** Whether the last {@link #ship} called the store (so its success says the store answers). */
  boolean usedStore() {
    return usedStore;
  }

  private int flush(TrackedBot bot, LogCursor end, PassTally tally) {
    usedStore = true;
    long sequence = bot.cursor.nextChunk();
    store.writeChunk(bot.id, chunk.day(), sequence, chunk);
    ShippingCursor next = bot.cursor.advancedTo(end, sequence + 1);
    try {
      store.writeCursor(bot.id, next);
    } catch (StoreFailure e) {
      bot.unsavedCursor = next;
      throw e;
    }
    bot.cursor = next;
    int lines = chunk.lines();
    tally.chunk(lines, chunk.size());
    chunk.clear();
    return lines;
  }
}
