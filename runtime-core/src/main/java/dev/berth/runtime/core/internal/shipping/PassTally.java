package dev.berth.runtime.core.internal.shipping;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one pass, shared by its workers. It also decides when the store is down: after
 * {@link #OUTAGE_AFTER} bots in a row failed on the store, the pass stops instead of trying every other bot
 * against a store that is not there.
 */
public final class PassTally {
  /** Consecutive bots failing on the store that stop a pass. */
  static final int OUTAGE_AFTER = 3;

  private final AtomicInteger bots = new AtomicInteger();
  private final AtomicInteger botsShipped = new AtomicInteger();
  private final AtomicInteger chunks = new AtomicInteger();
  private final AtomicInteger forgotten = new AtomicInteger();
  private final AtomicInteger deferred = new AtomicInteger();
  private final LongAdder lines = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final Set<String> storeFailedBots = ConcurrentHashMap.newKeySet();
  private final AtomicInteger storeFailuresInARow = new AtomicInteger();
  private volatile boolean storeAnswered;
  private volatile boolean storeGaveUp;
  private volatile String storeProblem;
  private volatile String runtimeProblem;
  private long storeCalls;

  void bots(int count) {
    bots.set(count);
  }

  void forgotten(int count) {
    forgotten.set(count);
  }

  void deferredOne() {
    deferred.incrementAndGet();
  }

  void chunk(int lineCount, int byteCount) {
    chunks.incrementAndGet();
    lines.add(lineCount);
    bytes.add(byteCount);
  }

  void botShipped() {
    botsShipped.incrementAndGet();
  }

  /** The bot's store calls (if it made any) succeeded. */
  void storeAnswered() {
    storeAnswered = true;
    storeFailuresInARow.set(0);
  }

  void storeFailed(String botId, String message) {
    failures.put(botId, message);
    storeFailedBots.add(botId);
    storeProblem = message;
    if (storeFailuresInARow.incrementAndGet() >= OUTAGE_AFTER) {
      storeGaveUp = true;
    }
  }

  void botFailed(String botId, String message) {
    failures.put(botId, message);
  }

  void runtimeFailed(String message) {
    runtimeProblem = message;
  }

  void storeCalls(long calls) {
    this.storeCalls = calls;
  }

  /** Whether the pass gives up on the remaining bots because the store or the runtime is down. */
  boolean stopped() {
    return storeGaveUp || runtimeProblem != null;
  }

  /** Whether the store looks down: it failed, and either the pass stopped or no store call succeeded. */
  public Optional<String> storeOutage() {
    boolean down = !storeFailedBots.isEmpty() && (storeGaveUp || !storeAnswered);
    return down ? Optional.of(storeProblem) : Optional.empty();
  }

  /** Why the runtime did not answer (listing the bots, or reading a log), if it did not. */
  public Optional<String> runtimeProblem() {
    return Optional.ofNullable(runtimeProblem);
  }

  public int bots() {
    return bots.get();
  }

  public int botsShipped() {
    return botsShipped.get();
  }

  public long lines() {
    return lines.sum();
  }

  public long bytes() {
    return bytes.sum();
  }

  public int chunks() {
    return chunks.get();
  }

  public long storeCalls() {
    return storeCalls;
  }

  public int forgotten() {
    return forgotten.get();
  }

  public int deferred() {
    return deferred.get();
  }

  /** The bots whose shipping failed on the store, sorted. */
  Set<String> storeFailedBots() {
    return new TreeSet<>(storeFailedBots);
  }

  /** Failed bots with the reason, sorted by id. */
  public Map<String, String> failures() {
    return new TreeMap<>(failures);
  }
}
