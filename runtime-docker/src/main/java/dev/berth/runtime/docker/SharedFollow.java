package dev.berth.runtime.docker;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.LogCursor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Docker follow of a container, shared by every follow of it in one runtime: Docker then does the work
 * of one follower however many there are. (Each Docker follower costs the engine as much as the writer
 * itself; with twenty of them, dockerd 20.10 falls behind copying a fast writer's output and drops what
 * it has not stored ten seconds after the container exited.)
 *
 * <p>A thread pumps the lines of a {@link GapFreeFollow} into a buffer; every {@link Member} reads the
 * buffer from its own position, in batches. The buffer keeps what the slowest member has not read, up to
 * {@value #MAX_BUFFER} lines; then the pump waits for the members (Docker holds the rest), except for one
 * whose consumer has taken nothing for ten seconds, which is detached and later catches up from the stored log
 * ({@link SharedFollower}). A member starts at the beginning of the newest timestamp group, so it can skip
 * exactly the lines it already read elsewhere ({@link LogCursor}). A shared follow that began with the
 * whole log serves it to members that want it all, as long as it still holds the first line: for its
 * first {@value #SHARE_START_SECONDS} seconds it keeps it (up to the buffer's limit), so followers that
 * attach together read the stored log once, not once each.
 */
final class SharedFollow {
  private static final Logger log = LoggerFactory.getLogger(SharedFollow.class);
  /** Returned by {@link #take} at the end. */
  static final Object END = new Object();
  /** Returned by {@link #take} to a member that fell too far behind and was detached. */
  static final Object DETACHED = new Object();
  static final int MAX_BUFFER = 50_000;
  private static final long STALLED_NANOS = 10_000_000_000L;
  private static final int BATCH = 512;
  private static final long SHARE_START_SECONDS = 5;

  private final String workloadId;
  private final boolean fromStart;
  private final long keepStartUntil = System.nanoTime() + SHARE_START_SECONDS * 1_000_000_000L;
  private final Consumer<SharedFollow> onEnd;
  private final List<LogLine> buffer = new ArrayList<>();
  private final Set<Member> members = new HashSet<>();
  private long base;
  private int subscribers;
  private boolean ended;
  private boolean retired;
  private boolean stopped;
  private RuntimeException failure;
  private GapFreeFollow source;

  /** A reader of the shared follow. */
  static final class Member {
    private long position;
    private volatile long lastActive = System.nanoTime();
    private boolean detached;
    private boolean left;

    /** Its consumer took a line (from this follow or from a read of its own): it is not stalled. */
    void active() {
      lastActive = System.nanoTime();
    }
  }

  /**
   * @param fromStart whether the follow begins with the container's whole log
   * @param onEnd runs once the pump has stopped, e.g. to forget this follow
   */
  SharedFollow(String workloadId, boolean fromStart, Consumer<SharedFollow> onEnd) {
    this.workloadId = workloadId;
    this.fromStart = fromStart;
    this.onEnd = onEnd;
  }

  /** Starts pumping {@code follow} on a thread of its own. */
  void start(GapFreeFollow follow) {
    synchronized (this) {
      source = follow;
    }
    Thread pump = new Thread(this::pump, "berth-docker-logs-" + workloadId);
    pump.setDaemon(true);
    pump.start();
  }

  /** The Docker follow could not start: every member gets {@code e}. */
  void fail(RuntimeException e) {
    synchronized (this) {
      failure = e;
      ended = true;
      notifyAll();
    }
    onEnd.accept(this);
  }

  private void pump() {
    try {
      while (source.hasNext()) {
        append(source.next());
      }
    } catch (BerthException e) {
      synchronized (this) {
        failure = e;
      }
    } catch (RuntimeException e) {
      synchronized (this) {
        failure = new RuntimeOperationException("Following the logs of '" + workloadId
            + "' failed: " + e.getMessage(), e);
      }
    } finally {
      log.debug("The shared log follow of {} ended{}", workloadId, failure == null ? "" : ": " + failure);
      synchronized (this) {
        ended = true;
        notifyAll();
      }
      onEnd.accept(this);
    }
  }

  private synchronized void append(LogLine line) {
    while (buffer.size() >= MAX_BUFFER && !stopped) {
      long now = System.nanoTime();
      long slowest = members.stream().mapToLong(member -> member.position).min().orElse(Long.MAX_VALUE);
      for (Member member : members) {
        if (member.position == slowest && now - member.lastActive > STALLED_NANOS) {
          member.detached = true;
        }
      }
      if (members.removeIf(member -> member.detached)) {
        log.debug("Detached followers of {} that took nothing for {} s", workloadId, STALLED_NANOS / 1_000_000_000L);
      }
      trim();
      if (buffer.size() >= MAX_BUFFER) {
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopped = true;
        }
      }
    }
    buffer.add(line);
    trim();
    notifyAll();
  }

  /** Drops lines every member has read, keeping the newest timestamp group for members yet to join. */
  private void trim() {
    if (fromStart && base == 0 && buffer.size() < MAX_BUFFER && System.nanoTime() - keepStartUntil < 0) {
      return;
    }
    long keep = newestGroupStart();
    for (Member member : members) {
      keep = Math.min(keep, member.position);
    }
    int drop = (int) (keep - base);
    if (drop > 0 && (drop == buffer.size() || drop > buffer.size() / 2)) { // in bulk: the rest moves
      buffer.subList(0, drop).clear();
      base = keep;
    }
  }

  private long newestGroupStart() {
    int i = buffer.size();
    if (i == 0) {
      return base;
    }
    Instant newest = buffer.get(i - 1).timestamp();
    while (i > 0 && buffer.get(i - 1).timestamp().equals(newest)) {
      i--;
    }
    return base + i;
  }

  /**
   * A new member, starting at the newest timestamp group (or at the next line to come); empty once the last
   * member left, which stops this follow: the caller starts another.
   */
  synchronized Optional<Member> join() {
    if (retired) {
      return Optional.empty();
    }
    Member member = new Member();
    subscribers++;
    rejoin(member);
    return Optional.of(member);
  }

  /** A new member starting at the container's first line; empty when this follow no longer holds it. */
  synchronized Optional<Member> joinAtStart() {
    if (!fromStart || base > 0 || ended || retired) {
      return Optional.empty();
    }
    Member member = new Member();
    subscribers++;
    members.add(member);
    return Optional.of(member);
  }

  /** Takes a detached member back, at the newest timestamp group. */
  synchronized void rejoin(Member member) {
    if (member.left) {
      return;
    }
    member.detached = false;
    member.position = newestGroupStart();
    member.active();
    members.add(member);
  }

  /** Whether a new follow of the container must start its own: this one ended or is stopping. */
  synchronized boolean closedToNewMembers() {
    return ended || retired;
  }

  /** Stops waiting for members: the runtime is closing. */
  synchronized void stop() {
    stopped = true;
    notifyAll();
  }

  /** The member leaves (again: a no-op); the last one to leave stops the Docker follow. */
  void leave(Member member) {
    GapFreeFollow stop = null;
    synchronized (this) {
      if (member.left) {
        return;
      }
      member.left = true;
      member.detached = true;
      members.remove(member);
      if (--subscribers == 0 && !ended) {
        retired = true;
        stop = source;
      }
      notifyAll();
    }
    if (stop != null) {
      stop.close();
    }
  }

  /**
   * Moves up to a batch of the member's next lines into {@code into}, waiting for one; returns
   * {@code null} when it did, else {@link #END} or {@link #DETACHED}.
   *
   * @param peek only wait for the next line and put it in {@code into}, without moving on
   */
  synchronized Object take(Member member, Queue<LogLine> into, boolean peek) {
    while (true) {
      if (member.detached) {
        return DETACHED;
      }
      if (member.position - base < buffer.size()) {
        int from = (int) (member.position - base);
        int to = peek ? from + 1 : Math.min(buffer.size(), from + BATCH);
        into.addAll(buffer.subList(from, to));
        if (!peek) {
          member.position += to - from;
          notifyAll(); // a pump waiting for room
        }
        return null;
      }
      if (failure != null) {
        throw failure;
      }
      if (ended) {
        return END;
      }
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return END;
      }
    }
  }
}
