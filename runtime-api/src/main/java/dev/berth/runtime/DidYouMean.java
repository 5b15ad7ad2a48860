package dev.berth.runtime;

import java.util.Collection;
import java.util.Optional;

/** Suggests the closest known word for a misspelt or cut-short one (Levenshtein distance, then prefix). */
final class DidYouMean {
  private DidYouMean() {}

  /** The closest candidate within a few edits, or else the shortest one that {@code word} is the start of. */
  static Optional<String> suggest(String word, Collection<String> candidates) {
    Optional<String> close = closest(word, candidates);
    if (close.isPresent() || word.length() < 4) {
      return close;
    }
    return candidates.stream().filter(candidate -> candidate.startsWith(word))
        .min(java.util.Comparator.comparingInt(String::length).thenComparing(c -> c));
  }

  private static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(word, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int allowed = Math.max(2, word.length() / 3);
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
