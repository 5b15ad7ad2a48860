package dev.berth.runtime.core;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.testkit.MockEngine;
import dev.berth.runtime.testkit.MockObjectStore;
import dev.berth.runtime.testkit.MockRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A mock runtime of scope {@code svc} whose log lines are stamped by a clock the test moves, a store that
 * can fail on demand, and shippers that only ship when asked (their interval is an hour).
 */
final class ShipperFixture implements AutoCloseable {
  static final String SCOPE = "svc";

  final String scope;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  final MockEngine engine = new MockEngine(clock);
  final MockRuntime runtime;
  final MockObjectStore backing = new MockObjectStore(clock);
  final ScriptedStore store = new ScriptedStore(backing);
  private final List<LogShipper> shippers = new ArrayList<>();

  ShipperFixture() {
    this(SCOPE);
  }

  /** A fixture of its own scope, for tests that look at what is named after the scope (threads). */
  ShipperFixture(String scope) {
    this.scope = scope;
    this.runtime = MockRuntime.builder().engine(engine).scope(scope).build();
  }

  /** A shipper on demand; closed with the fixture. */
  LogShipper shipper() {
    return track(builder().build());
  }

  LogShipper.Builder builder() {
    return LogShipper.builder(runtime, store).scope(scope).clock(clock).interval(Duration.ofHours(1));
  }

  LogShipper track(LogShipper shipper) {
    shippers.add(shipper);
    return shipper;
  }

  /** Creates and starts a bot. */
  void bot(String id) {
    runtime.create(BotSpec.builder(id).image("registry/bot:1").command("run").build());
    runtime.start(id);
  }

  /** The bot prints the lines, one millisecond apart. */
  void print(String id, String... lines) {
    for (String line : lines) {
      clock.advance(Duration.ofMillis(1));
      runtime.appendLog(id, line);
    }
  }

  /** The shipped lines of the bot as stored, in shipping order. */
  List<String> storedLines(String id) {
    List<String> lines = new ArrayList<>();
    for (ObjectInfo chunk : chunks(id)) {
      String text = new String(backing.getBytes(ObjectStore.LOGS_BUCKET, chunk.key()).orElseThrow(),
          StandardCharsets.UTF_8);
      text.lines().forEach(lines::add);
    }
    return lines;
  }

  /** The text of each shipped line of the bot, without timestamp and stream. */
  List<String> shipped(String id) {
    return storedLines(id).stream().map(line -> line.split(" ", 3)[2]).collect(Collectors.toList());
  }

  /** The bot's chunk objects, in sequence order. */
  List<ObjectInfo> chunks(String id) {
    return backing.list(ObjectStore.LOGS_BUCKET, scope + "/" + id + "/").stream()
        .filter(info -> info.key().endsWith(".log"))
        .sorted(Comparator.comparing(info -> info.key().substring(info.key().lastIndexOf('/'))))
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    shippers.forEach(LogShipper::close);
    runtime.close();
  }
}
