package dev.berth.runtime.testkit;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a concurrent history is linearizable against a sequential model: whether some order of its
 * calls that keeps real time (a call that returned before another was invoked comes first) lets the model
 * explain every outcome. The search is Wing and Gong's, with Lowe's memoisation of (calls placed, model
 * state) that Knossos and Porcupine use; it is run per object (per bot id), where histories stay small.
 *
 * @param <S> the model's states (values with equals and hashCode)
 * @param <C> what a call did and saw
 */
final class Linearizability<S, C> {
  /** How many search steps a history may take before the check gives up rather than run for minutes. */
  static final long DEFAULT_BUDGET = 5_000_000L;

  /** One call of a history, with the {@link System#nanoTime()} values of its invocation and its return. */
  record Call<C>(C call, long invoked, long returned) {
    Call {
      Objects.requireNonNull(call, "call");
      if (returned < invoked) {
        throw new IllegalArgumentException("A call returned (" + returned + ") before it was invoked (" + invoked
            + "): " + call);
      }
    }
  }

  /** The sequential model: the states a call can leave {@code state} in, given its outcome; none if impossible. */
  interface Model<S, C> {
    Set<S> next(S state, C call);

    /**
     * True when the call changes no state wherever the model accepts it (a read, a call that failed); the
     * search places such calls as soon as they fit, which keeps many overlapping reads cheap.
     */
    default boolean readOnly(C call) {
      return false;
    }
  }

  /** The answer: linearizable, or why not (the longest order the model explains and what cannot follow it). */
  record Verdict(boolean linearizable, String explanation) {}

  private final Model<S, C> model;
  private final long budget;
  private List<Call<C>> calls;
  private Set<Visit<S>> visited;
  private long steps;
  private int deepest = -1;
  private List<Integer> deepestOrder = List.of();
  private S deepestState;
  private final List<Integer> order = new ArrayList<>();

  private record Visit<S>(BitSet placed, S state) {}

  Linearizability(Model<S, C> model) {
    this(model, DEFAULT_BUDGET);
  }

  Linearizability(Model<S, C> model, long budget) {
    this.model = model;
    this.budget = budget;
  }

  /** Checks {@code history} from {@code initial}. */
  Verdict check(S initial, List<Call<C>> history) {
    calls = history.stream().sorted(Comparator.comparingLong(Call::invoked)).collect(Collectors.toList());
    visited = new HashSet<>();
    steps = 0;
    deepest = -1;
    order.clear();
    boolean found;
    try {
      found = search(new BitSet(calls.size()), initial);
    } catch (BudgetExceeded e) {
      return new Verdict(false, "the search gave up after " + budget + " steps over " + calls.size()
          + " calls; shorten the history");
    }
    return found ? new Verdict(true, calls.size() + " calls explained") : new Verdict(false, explain());
  }

  private boolean search(BitSet placed, S state) {
    int done = placed.cardinality();
    if (done > deepest) {
      deepest = done;
      deepestOrder = List.copyOf(order);
      deepestState = state;
    }
    if (done == calls.size()) {
      return true;
    }
    if (!visited.add(new Visit<>((BitSet) placed.clone(), state))) {
      return false;
    }
    if (++steps > budget) {
      throw new BudgetExceeded();
    }
    long firstReturn = firstReturnAmongOpen(placed);
    int keeper = keeperOf(placed, state, firstReturn);
    if (keeper >= 0) {
      // A read that may come next and fits the state can be moved to the front of any order that exists (it
      // changes nothing where it stood), so placing it now loses nothing and spares trying the orders of
      // many overlapping reads.
      placed.set(keeper);
      order.add(keeper);
      boolean found = search(placed, state);
      order.remove(order.size() - 1);
      placed.clear(keeper);
      return found;
    }
    for (int i = placed.nextClearBit(0); i < calls.size(); i = placed.nextClearBit(i + 1)) {
      Call<C> candidate = calls.get(i);
      if (candidate.invoked() > firstReturn) {
        break; // sorted by invocation: no later call may come before the one that returned first
      }
      for (S next : model.next(state, candidate.call())) {
        placed.set(i);
        order.add(i);
        boolean found = search(placed, next);
        order.remove(order.size() - 1);
        placed.clear(i);
        if (found) {
          return true;
        }
      }
    }
    return false;
  }

  /** A read-only call that may come next and fits {@code state}; -1 if none. */
  private int keeperOf(BitSet placed, S state, long firstReturn) {
    for (int i = placed.nextClearBit(0); i < calls.size() && calls.get(i).invoked() <= firstReturn;
        i = placed.nextClearBit(i + 1)) {
      C call = calls.get(i).call();
      if (model.readOnly(call) && model.next(state, call).equals(Set.of(state))) {
        return i;
      }
    }
    return -1;
  }

  private long firstReturnAmongOpen(BitSet placed) {
    long first = Long.MAX_VALUE;
    for (int i = placed.nextClearBit(0); i < calls.size(); i = placed.nextClearBit(i + 1)) {
      first = Math.min(first, calls.get(i).returned());
    }
    return first;
  }

  private String explain() {
    StringBuilder text = new StringBuilder("no order of the ").append(calls.size())
        .append(" calls explains them all. The longest order that does explains ").append(deepest)
        .append(", leaving the model in state ").append(deepestState).append(":");
    int from = Math.max(0, deepestOrder.size() - 8);
    if (from > 0) {
      text.append("\n    ... ").append(from).append(" earlier calls");
    }
    for (int index : deepestOrder.subList(from, deepestOrder.size())) {
      text.append("\n    ").append(describe(calls.get(index)));
    }
    text.append("\n  and none of the calls that could come next fits that state:");
    BitSet placed = new BitSet();
    deepestOrder.forEach(placed::set);
    long firstReturn = firstReturnAmongOpen(placed);
    for (int i = placed.nextClearBit(0); i < calls.size() && calls.get(i).invoked() <= firstReturn;
        i = placed.nextClearBit(i + 1)) {
      text.append("\n    ").append(describe(calls.get(i)));
    }
    return text.toString();
  }

  private String describe(Call<C> call) {
    long origin = calls.get(0).invoked();
    return call.call() + " [" + (call.invoked() - origin) / 1_000 + " µs, " + (call.returned() - origin) / 1_000
        + " µs]";
  }

  private static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super(null, null, false, false);
    }
  }
}
