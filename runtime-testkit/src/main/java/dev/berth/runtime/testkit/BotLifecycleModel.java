package dev.berth.runtime.testkit;

import dev.berth.runtime.BotState;
import java.util.Locale;
import java.util.Set;

/**
 * The sequential model of one bot id that concurrent histories are checked against (DESIGN §2): what each
 * call may do in each state, for a bot that runs until it is stopped. A call's outcome is part of the call,
 * so the model answers which states could have produced it and what state follows.
 */
final class BotLifecycleModel implements Linearizability.Model<BotLifecycleModel.Life, BotLifecycleModel.Observed> {
  /** Where an id can be: not created, or a bot in one of the states a bot that never exits on its own has. */
  enum Life { ABSENT, CREATED, RUNNING, STOPPED }

  /** The calls the race makes. */
  enum Op { CREATE, START, STOP, RESTART, UPDATE, DELETE, STATUS, LIST }

  /** How a call ended: normally, with one of the two documented exceptions, or (list) without the id. */
  enum Outcome { OK, NOT_FOUND, ALREADY_EXISTS, NOT_LISTED }

  /** One call on one id and what it saw: the state status or update returned, or list showed; else null. */
  record Observed(Op op, String id, Outcome outcome, BotState seen) {
    @Override
    public String toString() {
      String call = op.name().toLowerCase(Locale.ROOT) + (op == Op.LIST ? "() for " : "(") + id
          + (op == Op.LIST ? "" : ")");
      switch (outcome) {
        case NOT_FOUND:
          return call + " threw BotNotFoundException";
        case ALREADY_EXISTS:
          return call + " threw BotAlreadyExistsException";
        case NOT_LISTED:
          return call + " did not list it";
        default:
          return call + (seen == null ? " returned" : " saw " + seen);
      }
    }
  }

  @Override
  public boolean readOnly(Observed call) {
    return call.op() == Op.STATUS || call.op() == Op.LIST || call.outcome() != Outcome.OK;
  }

  @Override
  public Set<Life> next(Life state, Observed call) {
    switch (call.op()) {
      case CREATE:
        if (state == Life.ABSENT) {
          return call.outcome() == Outcome.OK ? Set.of(Life.CREATED) : Set.of();
        }
        return call.outcome() == Outcome.ALREADY_EXISTS ? Set.of(state) : Set.of();
      case DELETE:
        return call.outcome() == Outcome.OK ? Set.of(Life.ABSENT) : Set.of();
      case LIST:
        if (state == Life.ABSENT) {
          return call.outcome() == Outcome.NOT_LISTED ? Set.of(state) : Set.of();
        }
        return call.outcome() == Outcome.OK && shows(state, call.seen()) ? Set.of(state) : Set.of();
      default:
        if (state == Life.ABSENT) {
          return call.outcome() == Outcome.NOT_FOUND ? Set.of(state) : Set.of();
        }
        return call.outcome() == Outcome.OK ? afterExisting(state, call) : Set.of();
    }
  }

  private static Set<Life> afterExisting(Life state, Observed call) {
    switch (call.op()) {
      case START:
      case RESTART:
        return Set.of(Life.RUNNING);
      case STOP:
        // "stop on a never-started bot is a no-op": it may stay CREATED or read STOPPED.
        return state == Life.CREATED ? Set.of(Life.CREATED, Life.STOPPED) : Set.of(Life.STOPPED);
      case STATUS:
        return shows(state, call.seen()) ? Set.of(state) : Set.of();
      case UPDATE:
        // A running bot keeps running; one that is not running stays not running, maybe recreated as CREATED.
        if (state == Life.RUNNING) {
          return call.seen() == BotState.RUNNING ? Set.of(Life.RUNNING) : Set.of();
        }
        if (call.seen() == BotState.CREATED) {
          return Set.of(Life.CREATED);
        }
        return call.seen() == BotState.STOPPED ? Set.of(Life.STOPPED) : Set.of();
      default:
        return Set.of();
    }
  }

  private static boolean shows(Life state, BotState seen) {
    return seen != null && seen.name().equals(state.name());
  }
}
