package dev.berth.runtime.core.fleet;

import static dev.berth.runtime.testkit.MockRuntime.Call.CREATE;
import static dev.berth.runtime.testkit.MockRuntime.Call.DELETE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.testkit.MockCall;
import dev.berth.runtime.testkit.MockEngine;
import dev.berth.runtime.testkit.MockRuntime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Stable segment assignment, and reconcilers of disjoint segments sharing one scope without a fight. */
class SegmentsTest {

  @Test
  void theAssignmentIsPinnedSoEveryReleaseAndLanguageAgrees() {
    // Computed independently (in Python) from the documented algorithm: FNV-1a 64, fmix64, floorMod.
    assertThat(IntStream.range(0, 8).map(i -> Segments.of("bot-" + i, 4)).toArray())
        .containsExactly(0, 1, 3, 0, 0, 2, 3, 0);
    assertThat(Segments.of("momentum-btc", 16)).isEqualTo(3);
    assertThat(Segments.label("momentum-btc", 16)).isEqualTo("3");
    assertThat(Segments.of("momentum-btc", 1)).isZero();
  }

  @Test
  void segmentsAreEvenlyFilled() {
    int[] counts = new int[8];
    for (int i = 0; i < 10_000; i++) {
      counts[Segments.of("bot-" + i, 8)]++;
    }
    assertThat(java.util.Arrays.stream(counts).boxed().toList()).allSatisfy(count -> assertThat(count).isBetween(1_100, 1_400));
  }

  @Test
  void aCountBelowOneIsRejected() {
    assertThatThrownBy(() -> Segments.of("bot-1", 0)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("count: 0 is not positive");
  }

  @Test
  void twoReconcilersOfDisjointSegmentsOnOneEngineNeverFight() {
    MockEngine engine = new MockEngine();
    Fleet fleet = Fleet.of(40);
    try (MockRuntime first = MockRuntime.builder().engine(engine).scope("fleet").build();
        MockRuntime second = MockRuntime.builder().engine(engine).scope("fleet").build();
        Reconciler even = Reconciler.builder(first, fleet).segments(2, 0).build();
        Reconciler odd = Reconciler.builder(second, fleet).segments(2, 1).build()) {
      ReconcileReport evenReport = even.reconcileNow();
      ReconcileReport oddReport = odd.reconcileNow();

      assertThat(evenReport.created().size() + oddReport.created().size()).isEqualTo(40);
      assertThat(evenReport.created()).allMatch(id -> Segments.of(id, 2) == 0);
      assertThat(oddReport.created()).allMatch(id -> Segments.of(id, 2) == 1);
      List<BotStatus> bots = engine.bots("fleet");
      assertThat(bots).hasSize(40).allSatisfy(bot -> assertThat(bot.labels())
          .containsEntry(BotFilter.SEGMENT_LABEL, Segments.label(bot.id(), 2)));

      fleet.change("bot-3", spec -> spec.config("{\"v\":2}"));
      fleet.remove("bot-4");
      for (int round = 0; round < 3; round++) {
        even.reconcileNow();
        odd.reconcileNow();
      }
      assertThat(even.reconcileNow().isIdle()).isTrue();
      assertThat(odd.reconcileNow().isIdle()).isTrue();
      Set<String> touched = new HashSet<>();
      first.calls(DELETE).stream().map(MockCall::id).forEach(id -> assertThat(Segments.of(id, 2)).isZero());
      second.calls(DELETE).stream().map(MockCall::id).forEach(id -> assertThat(Segments.of(id, 2)).isOne());
      first.calls(CREATE).forEach(call -> touched.add(call.id()));
      second.calls(CREATE).forEach(call -> assertThat(touched).doesNotContain(call.id()));
      assertThat(engine.bots("fleet")).hasSize(39);
    }
  }

  @Test
  void specsMayCarryTheirOwnSegment() {
    MockEngine engine = new MockEngine();
    Fleet fleet = new Fleet()
        .put(Fleet.spec("eu-1").toBuilder().label(BotFilter.SEGMENT_LABEL, "eu").build())
        .put(Fleet.spec("us-1").toBuilder().label(BotFilter.SEGMENT_LABEL, "us").build())
        .put(Fleet.spec("unlabelled"));
    try (MockRuntime runtime = MockRuntime.builder().engine(engine).build();
        Reconciler eu = Reconciler.builder(runtime, fleet).segments("eu").build();
        Reconciler us = Reconciler.builder(runtime, fleet).segments("us").build()) {
      assertThat(eu.reconcileNow().created()).containsExactly("eu-1");
      assertThat(us.reconcileNow().created()).containsExactly("us-1");
      assertThat(eu.reconcileNow().isIdle()).isTrue();
      assertThat(eu.segments()).containsExactly("eu");
    }
  }
}
