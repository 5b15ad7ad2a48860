package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotSpec;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The spec hashes of the last pass, by bot id, for a desired state that hands out the same spec objects pass
 * after pass (an in-memory set, a cache): a spec is immutable, so the same object has the same hash. Holds the
 * specs weakly: a desired state that builds new specs each pass keeps nothing alive, it only hashes again.
 * Used by the pass thread alone.
 */
final class HashCache {
  private static final class Entry extends WeakReference<BotSpec> {
    final String hash;

    Entry(BotSpec spec, String hash) {
      super(spec);
      this.hash = hash;
    }
  }

  private final Map<String, Entry> entries = new HashMap<>();

  String hash(BotSpec spec) {
    Entry entry = entries.get(spec.id());
    if (entry != null && entry.get() == spec) {
      return entry.hash;
    }
    String hash = SpecHash.of(spec);
    entries.put(spec.id(), new Entry(spec, hash));
    return hash;
  }

  /** Forgets the bots that are no longer desired. */
  void retainOnly(Set<String> ids) {
    entries.keySet().retainAll(ids);
  }
}
