package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.BerthAssertions.assertThat;
import static dev.berth.runtime.testkit.MockRuntime.Call.START;
import static dev.berth.runtime.testkit.MockRuntime.Call.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The README's "Testing your service with Berth" example; keep the two in sync. */
class DeployerExampleTest {
  /** A service under test: business code that only knows the Runtime interface. */
  static final class Deployer {
    private final Runtime runtime;

    Deployer(Runtime runtime) {
      this.runtime = runtime;
    }

    void deploy(String botId) {
      runtime.create(BotSpec.builder(botId).image("registry/momentum:7").command("python", "main.py")
          .restartPolicy(RestartPolicy.onFailure(3)).label("team", "quant").build());
      runtime.start(botId);
    }

    void undeploy(String botId) {
      runtime.delete(botId);
    }

    /** Rolls out a new image in the background, as a deployment pipeline would. */
    CompletableFuture<Void> upgrade(String botId, String image) {
      return CompletableFuture.runAsync(() -> runtime.update(botId, BotUpdate.builder().image(image).build()));
    }
  }

  @BerthMock(verifyNothingRunning = true)
  MockRuntime runtime;

  @Test
  void deploysRestartsOnCrashAndUndeploys() {
    Deployer deployer = new Deployer(runtime);
    deployer.deploy("momentum-btc");
    assertThat(runtime.status("momentum-btc")).isRunning().hasLabel("team", "quant");

    runtime.crash("momentum-btc", 137);                   // the bot dies; its restart policy kicks in
    assertThat(runtime.status("momentum-btc")).isRunning().hasRestartCount(1);

    deployer.undeploy("momentum-btc");
    assertThat(runtime).receivedStart("momentum-btc").receivedDelete("momentum-btc");
  }

  @Test
  void upgradesInTheBackground() {
    Deployer deployer = new Deployer(runtime);
    deployer.deploy("momentum-btc");
    deployer.upgrade("momentum-btc", "registry/momentum:8");            // returns at once

    MockCall<BotUpdate> update = runtime.takeCall(UPDATE, Duration.ofSeconds(5));   // waits for the call
    assertThat(update.id()).isEqualTo("momentum-btc");
    assertThat(update.argument().image()).hasValue("registry/momentum:8");
    deployer.undeploy("momentum-btc");
  }

  @Test
  void reportsAnEngineOutage() {
    runtime.failNext(START, new RuntimeUnavailableException("Docker is not reachable"));
    assertThatThrownBy(() -> new Deployer(runtime).deploy("momentum-eth"))
        .isInstanceOf(RuntimeUnavailableException.class);
    assertThat(runtime.status("momentum-eth")).isCreated();
  }
}
