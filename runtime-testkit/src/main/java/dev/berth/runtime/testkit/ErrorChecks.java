package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.UnsupportedFeatureException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Error rules of DESIGN §2: taken ids, unknown ids, deleted bots, unsupported spec settings. */
final class ErrorChecks {
  private final RuntimeKitSession kit;

  ErrorChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  void createWithATakenIdThrowsAndChangesNothing() {
    String id = kit.id("duplicate");
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, 1).label("generation", "first"));
    kit.awaitLogLine(id, "line-1");
    BotStatus before = kit.status(id);
    BotSpec second = kit.bot(kit.workloads.exitWith(id, 7).label("generation", "second"));
    assertThatThrownBy(() -> kit.runtime().create(second)).as("create with the taken id '%s'", id)
        .isInstanceOf(BotAlreadyExistsException.class).hasMessageContaining(id);
    BotStatus after = kit.status(id);
    assertThat(after.state()).as("state of the first bot after the rejected create").isEqualTo(BotState.RUNNING);
    assertThat(after.labels()).as("labels after the rejected create").containsEntry("generation", "first");
    assertThat(after.runtimeId()).as("runtimeId after the rejected create (the bot must not be replaced)")
        .isEqualTo(before.runtimeId());
    assertThat(after.startedAt()).as("startedAt after the rejected create").isEqualTo(before.startedAt());
    assertThat(kit.runtime().list()).extracting(BotStatus::id).as("ids listed").containsExactly(id);
  }

  void everyCallOnAnUnknownIdThrowsBotNotFound() {
    String id = kit.id("unknown");
    Runtime runtime = kit.runtime();
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("status", () -> runtime.status(id));
    calls.put("start", () -> runtime.start(id));
    calls.put("stop(id, grace)", () -> runtime.stop(id, kit.timeouts.quickStopGrace()));
    calls.put("stop(id)", () -> runtime.stop(id));
    calls.put("restart", () -> runtime.restart(id));
    calls.put("logs (read to the end)", () -> drain(runtime.logs(id, LogOptions.DEFAULT)));
    calls.put("address", () -> runtime.address(id));
    calls.put("update", () -> runtime.update(id, BotUpdate.builder().resources(Resources.builder()
        .memory("64m").build()).build()));
    SoftAssertions softly = new SoftAssertions();
    calls.forEach((name, call) -> softly.assertThatThrownBy(call)
        .as("%s on the unknown id '%s' must throw BotNotFoundException naming the id", name, id)
        .isInstanceOf(BotNotFoundException.class).hasMessageContaining(id));
    softly.assertAll();
    assertThat(runtime.list()).as("bots listed after calls on an unknown id (none may be created)").isEmpty();
  }

  /** A malformed id is bad input on every call, delete included: never "not found", never a path. */
  void everyCallWithAMalformedIdThrowsInvalidSpec() {
    Runtime runtime = kit.runtime();
    SoftAssertions softly = new SoftAssertions();
    for (String id : new String[] {"../x", "Bad_Id"}) {
      Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
      calls.put("status", () -> runtime.status(id));
      calls.put("start", () -> runtime.start(id));
      calls.put("stop(id, grace)", () -> runtime.stop(id, kit.timeouts.quickStopGrace()));
      calls.put("stop(id)", () -> runtime.stop(id));
      calls.put("restart", () -> runtime.restart(id));
      calls.put("delete", () -> runtime.delete(id));
      calls.put("logs", () -> drain(runtime.logs(id, LogOptions.DEFAULT)));
      calls.put("address", () -> runtime.address(id));
      calls.put("update", () -> runtime.update(id, BotUpdate.builder().resources(Resources.builder()
          .memory("64m").build()).build()));
      calls.forEach((name, call) -> softly.assertThatThrownBy(call)
          .as("%s with the malformed id '%s' must throw InvalidSpecException naming botId and the value", name, id)
          .isInstanceOf(InvalidSpecException.class).hasMessageContaining("botId").hasMessageContaining(id));
    }
    softly.assertAll();
    assertThat(runtime.list()).as("bots listed after calls with malformed ids").isEmpty();
  }

  /** Text that reaches the OS never holds NUL: such a spec is rejected before anything is created. */
  void aNulInWhatReachesTheOsIsRejectedAndCreatesNothing() {
    String id = kit.id("nul");
    assertThatThrownBy(() -> kit.bot(kit.workloads.sleepForever(id).env("API_KEY", "sec\0ret")))
        .as("a spec whose env value holds a NUL").isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("env.API_KEY").hasMessageContaining("NUL");
    assertThatThrownBy(() -> kit.bot(kit.workloads.sleepForever(id).label("note", "a\0b")))
        .as("a spec whose label value holds a NUL").isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("labels.note");
    assertThatThrownBy(() -> BotUpdate.builder().env(Map.of("API_KEY", "sec\0ret")).build())
        .as("an update whose env value holds a NUL").isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("env.API_KEY");
    assertThatThrownBy(() -> kit.status(id)).as("status after the rejected spec (nothing may be created)")
        .isInstanceOf(BotNotFoundException.class);
    assertThat(kit.runtime().list()).as("bots listed after the rejected spec").isEmpty();
  }

  /**
  /**
   * A bot whose program does not exist either fails at {@code start} with an exception naming the program,
   * or reads FAILED with a message naming it: never a bare exit code, never RUNNING.
   */
  void aMissingProgramIsNamed() {
    String id = kit.id("no-program");
    String program = KitIds.id("berth-no-such-program");
    kit.create(kit.workloads.runMissingProgram(id, program));
    try {
      kit.runtime().start(id);
    } catch (BerthException e) {
      assertThat(e).as("exception of start() for a bot whose program '%s' does not exist", program)
          .hasMessageContaining(program);
      assertThat(kit.status(id).state()).as("state after start() failed").isNotEqualTo(BotState.RUNNING);
      return;
    }
    BotStatus status = kit.awaitStatus(id, "exit because its program '" + program + "' does not exist",
        candidate -> !candidate.isRunning());
    assertThat(status.state()).as("state of a bot whose program does not exist").isEqualTo(BotState.FAILED);
    assertThat(status.message()).as("message of a bot whose program '%s' does not exist (%s)", program, status)
        .contains(program);
  }

  void callsOnADeletedBotThrowBotNotFound() {
    String id = kit.id("deleted");
    kit.createAndStart(kit.workloads.sleepForever(id));
    Runtime runtime = kit.runtime();
    runtime.delete(id);
    SoftAssertions softly = new SoftAssertions();
    softly.assertThatThrownBy(() -> runtime.status(id)).as("status of a deleted bot")
        .isInstanceOf(BotNotFoundException.class);
    softly.assertThatThrownBy(() -> runtime.start(id)).as("start of a deleted bot")
        .isInstanceOf(BotNotFoundException.class);
    softly.assertThatThrownBy(() -> runtime.stop(id, kit.timeouts.quickStopGrace())).as("stop of a deleted bot")
        .isInstanceOf(BotNotFoundException.class);
    softly.assertThatThrownBy(() -> drain(runtime.logs(id, LogOptions.DEFAULT))).as("logs of a deleted bot")
        .isInstanceOf(BotNotFoundException.class);
    softly.assertAll();
  }

  void createWithAnUnsupportedSettingIsRejected() {
    Capabilities capabilities = kit.runtime().capabilities();
    Optional<RestartPolicy> policy = Arrays.stream(RestartPolicy.Kind.values())
        .filter(kind -> !capabilities.restartPolicies().contains(kind)).findFirst()
        .map(kind -> kind == RestartPolicy.Kind.ON_FAILURE ? RestartPolicy.onFailure(1)
            : new RestartPolicy(kind, 0));
    Optional<NetworkMode> network = Arrays.stream(NetworkMode.Kind.values())
        .filter(kind -> !capabilities.networkModes().contains(kind)).findFirst()
        .map(kind -> kind == NetworkMode.Kind.NAMED ? NetworkMode.named("tck-absent") : new NetworkMode(kind, ""));
    assumeTrue(policy.isPresent() || network.isPresent(),
        "the backend claims every restart policy and network mode, so nothing is unsupported");
    String id = kit.id("unsupported");
    BotSpec.Builder builder = kit.workloads.sleepForever(id);
    policy.ifPresent(builder::restartPolicy);
    if (policy.isEmpty()) {
      builder.networkMode(network.get());
    }
    BotSpec spec = kit.bot(builder);
    assertThatThrownBy(() -> kit.runtime().create(spec))
        .as("create with %s, which capabilities() does not list", policy.map(Object::toString)
            .orElse("network mode " + network.get()))
        .isInstanceOf(UnsupportedFeatureException.class);
    assertThatThrownBy(() -> kit.status(id)).as("status after the rejected create (nothing may be left)")
        .isInstanceOf(BotNotFoundException.class);
  }

  static long drain(Stream<LogLine> lines) {
    try (lines) {
      return lines.count();
    }
  }
}
