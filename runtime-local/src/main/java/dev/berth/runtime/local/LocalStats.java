package dev.berth.runtime.local;

import dev.berth.runtime.BotState;
import dev.berth.runtime.StatsManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link StatsManager} for host processes: CPU time of the bot's whole process tree (wrapper included) from
 * {@link ProcessHandle.Info#totalCpuDuration()}, resident memory ({@code VmRSS}) and thread count from
 * {@code /proc/<pid>/status} where that exists (Linux; empty elsewhere). The memory limit is reported only
 * when it is enforced (cgroups). Network counters are not per-process on a host and stay empty.
 */
final class LocalStats implements StatsManager {
  private final BotSupervisor supervisor;

  LocalStats(BotSupervisor supervisor) {
    this.supervisor = supervisor;
  }

  @Override
  public BotStats stats(String botId) {
    TrackedBot bot = supervisor.require(botId);
    BotRecord record = supervisor.load(bot);
    Instant now = Instant.now();
    OptionalLong limit = supervisor.cgroups.enforcesMemory() && record.spec.resources().memoryBytes() > 0
        ? OptionalLong.of(record.spec.resources().memoryBytes()) : OptionalLong.empty();
    Optional<ProcessControl.ProcessRef> ref = record.state == BotState.RUNNING ? record.process(bot.dir)
        : Optional.empty();
    ref.ifPresent(ProcessControl::awaitWorkload); // a run just started measures its workload, not the wrapper alone
    Optional<ProcessHandle> root = ref.flatMap(ProcessControl::find);
    if (root.isEmpty()) {
      return new BotStats(botId, now, Duration.ZERO, OptionalLong.empty(), limit, OptionalLong.empty(),
          OptionalLong.empty(), OptionalLong.of(0));
    }
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root.get());
    root.get().descendants().forEach(tree::add);
    Duration cpu = Duration.ZERO;
    long rss = 0;
    long threads = 0;
    boolean procFs = true;
    for (ProcessHandle process : tree) {
      cpu = cpu.plus(process.info().totalCpuDuration().orElse(Duration.ZERO));
      Optional<long[]> status = procStatus(process.pid());
      if (status.isPresent()) {
        rss += status.get()[0];
        threads += status.get()[1];
      } else {
        procFs = false;
      }
    }
    return new BotStats(botId, now, cpu, procFs ? OptionalLong.of(rss) : OptionalLong.empty(), limit,
        OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(procFs ? threads : tree.size()));
  }

  /** {VmRSS in bytes, Threads} from {@code /proc/<pid>/status}, or empty where there is no such file. */
  static Optional<long[]> procStatus(long pid) {
    Path file = Path.of("/proc", Long.toString(pid), "status");
    try {
      long rss = 0;
      long threads = 1;
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        } else if (line.startsWith("Threads:")) {
          threads = Long.parseLong(line.substring(8).trim());
        }
      }
      return Optional.of(new long[] {rss, threads});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
