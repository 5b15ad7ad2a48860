package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.ObjectStore;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shipper's view of the object store: one bucket, one scope, every call counted, and every failure
 * turned into a {@link StoreFailure} so a pass can tell an outage of the store from a problem of one bot.
 */
public final class LogStore {
  private final ObjectStore store;
  private final String bucket;
  private final String scope;
  private final AtomicLong calls = new AtomicLong();

  public LogStore(ObjectStore store, String bucket, String scope) {
    this.store = store;
    this.bucket = bucket;
    this.scope = scope;
  }

  public String bucket() {
    return bucket;
  }

  public String scope() {
    return scope;
  }

  /** How many store calls were made so far. */
  public long calls() {
    return calls.get();
  }

  /** The bot's cursor, or empty when nothing was shipped for it yet. */
  Optional<ShippingCursor> readCursor(String botId) {
    String key = LogLayout.cursorKey(scope, botId);
    Optional<byte[]> data = call("reading", key, () -> store.getBytes(bucket, key));
    return data.map(bytes -> ShippingCursor.decode(bytes, bucket + "/" + key));
  }

  void writeCursor(String botId, ShippingCursor cursor) {
    String key = LogLayout.cursorKey(scope, botId);
    byte[] data = cursor.encode();
    call("writing", key, () -> {
      store.put(bucket, key, data, "text/plain; charset=utf-8");
      return null;
    });
  }

  /** Writes the chunk; a retry of the same position gets the same key and replaces it. */
  String writeChunk(String botId, LocalDate day, long sequence, ChunkBuffer chunk) {
    String key = LogLayout.chunkKey(scope, botId, day, sequence);
    call("writing", key, () -> {
      store.put(bucket, key, chunk.content(), chunk.size(), "text/plain; charset=utf-8");
      return null;
    });
    return key;
  }

  private <T> T call(String action, String key, java.util.function.Supplier<T> body) {
    calls.incrementAndGet();
    try {
      return body.get();
    } catch (RuntimeException e) {
      throw new StoreFailure("Object store " + store + ": " + action + " " + bucket + "/" + key + " failed: "
          + e.getMessage(), e);
    }
  }

  /** A store call failed; the message names the object. */
  static final class StoreFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
