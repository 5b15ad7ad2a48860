package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotState;
import dev.berth.runtime.testkit.BotLifecycleModel.Life;
import dev.berth.runtime.testkit.BotLifecycleModel.Observed;
import dev.berth.runtime.testkit.BotLifecycleModel.Op;
import dev.berth.runtime.testkit.BotLifecycleModel.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker accepts exactly the histories some real-time order explains, and says why it rejects one. */
class LinearizabilityTest {
  private final List<Linearizability.Call<Observed>> history = new ArrayList<>();

  private LinearizabilityTest call(Op op, Outcome outcome, BotState seen, long invoked, long returned) {
    history.add(new Linearizability.Call<>(new Observed(op, "bot", outcome, seen), invoked, returned));
    return this;
  }

  private LinearizabilityTest ok(Op op, long invoked, long returned) {
    return call(op, Outcome.OK, null, invoked, returned);
  }

  private LinearizabilityTest saw(Op op, BotState seen, long invoked, long returned) {
    return call(op, Outcome.OK, seen, invoked, returned);
  }

  private Linearizability.Verdict check() {
    return new Linearizability<>(new BotLifecycleModel()).check(Life.ABSENT, history);
  }

  @Test
  void aSequentialHistoryTheModelExplainsIsAccepted() {
    ok(Op.CREATE, 0, 1).ok(Op.START, 2, 3).saw(Op.STATUS, BotState.RUNNING, 4, 5).ok(Op.STOP, 6, 7)
        .saw(Op.LIST, BotState.STOPPED, 8, 9).ok(Op.DELETE, 10, 11).call(Op.STATUS, Outcome.NOT_FOUND, null, 12, 13);
    assertThat(check().linearizable()).isTrue();
  }

  @Test
  void overlappingCallsMayTakeEffectInEitherOrder() {
    // The status overlaps both the start and the stop: any of the three states it could have seen is fine.
    ok(Op.CREATE, 0, 1).ok(Op.START, 10, 30).ok(Op.STOP, 20, 40).saw(Op.STATUS, BotState.CREATED, 5, 50);
    assertThat(check().linearizable()).as("status seeing CREATED before start took effect").isTrue();
    history.remove(3);
    saw(Op.STATUS, BotState.STOPPED, 5, 50);
    assertThat(check().linearizable()).as("status seeing STOPPED after stop took effect").isTrue();
  }

  @Test
  void aReadOfAStateThatWasAlreadyReplacedIsRejected() {
    // stop returned before status was invoked, and nothing could restart the bot in between.
    ok(Op.CREATE, 0, 1).ok(Op.START, 2, 3).ok(Op.STOP, 4, 5).saw(Op.STATUS, BotState.RUNNING, 6, 7);
    Linearizability.Verdict verdict = check();
    assertThat(verdict.linearizable()).isFalse();
    assertThat(verdict.explanation()).contains("explains 3", "STOPPED", "status(bot) saw RUNNING");
  }

  @Test
  void twoCreatesThatBothSucceedWithoutADeleteAreRejectedEvenWhenTheyOverlap() {
    ok(Op.CREATE, 0, 10).ok(Op.CREATE, 5, 15).ok(Op.DELETE, 20, 30);
    assertThat(check().linearizable()).isFalse();
    history.add(new Linearizability.Call<>(new Observed(Op.DELETE, "bot", Outcome.OK, null), 1, 14));
    assertThat(check().linearizable()).as("with a delete overlapping both creates").isTrue();
  }

  @Test
  void aNotFoundAfterACompletedCreateIsRejected() {
    ok(Op.CREATE, 0, 1).call(Op.START, Outcome.NOT_FOUND, null, 2, 3);
    assertThat(check().linearizable()).isFalse();
  }

  @Test
  void anUpdateOfARunningBotThatReturnsItStoppedIsRejected() {
    ok(Op.CREATE, 0, 1).ok(Op.START, 2, 3).saw(Op.UPDATE, BotState.STOPPED, 4, 5);
    assertThat(check().linearizable()).isFalse();
  }

  @Test
  void aLongConcurrentHistoryIsDecidedQuickly() {
    // 16 overlapping status reads per round, 40 rounds: the memo keeps this from exploring 16! orders a round.
    ok(Op.CREATE, 0, 1);
    long time = 10;
    for (int round = 0; round < 40; round++) {
      ok(round % 2 == 0 ? Op.START : Op.STOP, time, time + 1);
      for (int reader = 0; reader < 16; reader++) {
        saw(Op.STATUS, round % 2 == 0 ? BotState.RUNNING : BotState.STOPPED, time + 2, time + 3 + reader);
      }
      time += 100;
    }
    saw(Op.STATUS, BotState.CREATED, time, time + 1);
    long started = System.nanoTime();
    assertThat(check().linearizable()).as("a final read of CREATED after the bot ran").isFalse();
    assertThat((System.nanoTime() - started) / 1_000_000).as("milliseconds to decide").isLessThan(5_000);
  }
}
