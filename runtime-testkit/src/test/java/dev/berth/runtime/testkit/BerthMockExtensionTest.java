package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.testkit.examples.LeavesABotRunning;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BerthMockExtensionTest {
  @BerthMock
  MockRuntime runtime;

  @BerthMock
  MockBacktestRunner runner;

  private MockRuntime seenInBeforeEach;

  @BeforeEach
  void before(@BerthMock MockEngine engine) {
    seenInBeforeEach = runtime;
    assertThat(runtime.engine()).isSameAs(engine);
  }

  @Test
  void fieldsAreInjectedBeforeBeforeEachAndShareOneEngine() {
    assertThat(seenInBeforeEach).isSameAs(runtime);
    assertThat(runner.engine()).isSameAs(runtime.engine());
    assertThat(runtime.engine().scopes()).isEmpty();
    runtime.create(BotSpec.builder("bot-1").image("registry/momentum:7").command("run").build());
  }

  @Test
  void everyTestGetsAFreshEngine() {
    assertThat(runtime.list()).isEmpty();
    runtime.create(BotSpec.builder("bot-1").image("registry/momentum:7").command("run").build());
  }

  @Test
  void parametersResolveToTheSameInstancesAsFields(@BerthMock MockRuntime parameter,
      @BerthMock(scope = "other") MockRuntime otherScope) {
    assertThat(parameter).isSameAs(runtime);
    assertThat(otherScope.scope()).isEqualTo("other");
    assertThat(otherScope.engine()).isSameAs(runtime.engine());
  }

  @Nested
  class InANestedClass {
    @Test
    void outerFieldsAreInjectedToo() {
      assertThat(runtime).isNotNull();
    }
  }

  @Nested
  class WithRealTime {
    @BerthMock(realTime = true)
    MockBacktestRunner realTimeRunner;

    @Test
    void oneRealTimeFieldGivesTheTestsSharedEngineRealTime() {
      assertThat(realTimeRunner.engine().keepsRealTime()).isTrue();
      assertThat(runtime.engine()).isSameAs(realTimeRunner.engine());
    }
  }

  @Test
  void theEngineHasVirtualTimeByDefault() {
    assertThat(runtime.engine().keepsRealTime()).isFalse();
  }

  @Test
  void verifyNothingRunningFailsATestThatLeavesABotRunning() {
    KitRun run = KitRun.of(LeavesABotRunning.class);
    assertThat(run.summary().getTestsSucceededCount()).isEqualTo(1);
    assertThat(run.failures()).containsOnlyKeys("forgetsToStop");
    assertThat(run.failures().get("forgetsToStop")).contains("bots still RUNNING in scope 'default': [forgotten]");
  }
}
