package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.StorageLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Where a runner stores results and logs: the layout {@link StorageLayout} documents. */
final class BacktestStorageChecks {
  private final BacktestKitSession kit;
  private final BacktestOutcomeChecks outcomes;

  BacktestStorageChecks(BacktestKitSession kit) {
    this.kit = kit;
    this.outcomes = new BacktestOutcomeChecks(kit);
  }

  private ObjectStore store() {
    Optional<ObjectStore> store = kit.store();
    assumeTrue(store.isPresent(), "the backend's kit does not implement objectStore()");
    return store.get();
  }

  void resultAndLogAreStoredInTheDocumentedLayout() {
    ObjectStore store = store();
    String id = kit.id("bt-stored");
    String resultJson = "{\"pnl\":3.5}";
    BacktestResult result = outcomes.await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, resultJson))),
        kit.timeouts.backtestRun());
    String resultKey = StorageLayout.backtestResultKey(kit.scope, id);
    String logKey = StorageLayout.backtestLogKey(kit.scope, id);
    assertThat(result.resultLocation()).as("resultLocation of a stored result")
        .contains(StorageLayout.location(ObjectStore.RESULTS_BUCKET, resultKey));
    assertThat(result.logsLocation()).as("logsLocation of a stored log")
        .contains(StorageLayout.location(ObjectStore.RESULTS_BUCKET, logKey));
    assertThat(read(store, resultKey).map(BacktestOutcomeChecks::json)).as("the stored result %s", resultKey)
        .contains(resultJson);
    List<LogLine> logged = read(store, logKey).orElseThrow(() -> new AssertionError("no object at "
        + ObjectStore.RESULTS_BUCKET + "/" + logKey)).lines()
        .map(line -> StorageLayout.parseLogLine(line).orElseThrow(() -> new AssertionError("'" + line
            + "' in " + logKey + " is not '<timestamp> <STDOUT|STDERR> <text>'")))
        .toList();
    assertThat(logged).as("the stored log %s", logKey).extracting(LogLine::stream, LogLine::text)
        .contains(org.assertj.core.groups.Tuple.tuple(LogStream.STDOUT, "done"));
  }

  void deleteRemovesTheStoredObjects() {
    ObjectStore store = store();
    String id = kit.id("bt-stored-del");
    outcomes.await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, "{}"))), kit.timeouts.backtestRun());
    assertThat(store.list(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestPrefix(kit.scope, id)))
        .as("objects stored for the backtest").isNotEmpty();
    kit.runner().delete(id);
    assertThat(store.list(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestPrefix(kit.scope, id)))
        .as("objects stored for the backtest after delete").isEmpty();
  }

  private static Optional<String> read(ObjectStore store, String key) {
    return store.getBytes(ObjectStore.RESULTS_BUCKET, key).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }
}
