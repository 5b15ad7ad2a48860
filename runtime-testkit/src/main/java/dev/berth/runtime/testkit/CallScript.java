package dev.berth.runtime.testkit;

import dev.berth.runtime.testkit.MockCall.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Recording, hooks, scripted failures and taking calls, shared by {@link MockRuntime} and
 * {@link MockBacktestRunner}.
 */
final class CallScript {
  private final String owner;
  private final Clock clock;
  private final boolean recording;
  /** Every recorded call, oldest first, and whether {@link #take} has handed it out; guarded by itself. */
  private final List<MockCall<?>> calls = new ArrayList<>();
  private final List<Boolean> taken = new ArrayList<>();
  private final Map<Method<?>, Deque<Supplier<? extends RuntimeException>>> failures = new ConcurrentHashMap<>();
  private final Map<Method<?>, List<BiConsumer<String, Object>>> hooks = new ConcurrentHashMap<>();

  CallScript(String owner, Clock clock, boolean recording) {
    this.owner = owner;
    this.clock = clock;
    this.recording = recording;
  }

  /**
   * Runs a scripted failure or the hooks, then {@code body}, and records the outcome. A null argument is
   * bad input the body rejects; such a call is neither scripted nor recorded.
   */
  <A, T> T call(Method<A> method, String id, A argument, Supplier<T> body) {
    if (argument == null) {
      return body.get();
    }
    try {
      Supplier<? extends RuntimeException> failure = nextFailure(method);
      if (failure != null) {
        throw failure.get();
      }
      hooks.getOrDefault(method, List.of()).forEach(hook -> hook.accept(id, argument));
      T result = body.get();
      record(new MockCall<>(method, id, argument, result instanceof Stream ? Optional.empty()
          : Optional.ofNullable(result), Optional.empty(), clock.instant()));
      return result;
    } catch (RuntimeException e) {
      record(new MockCall<>(method, id, argument, Optional.empty(), Optional.of(e), clock.instant()));
      throw e;
    }
  }

  void failNext(Method<?> method, int times, Supplier<? extends RuntimeException> exception) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(exception, "exception");
    if (times < 1) {
      throw new IllegalArgumentException("times is " + times + "; fail at least one call");
    }
    Deque<Supplier<? extends RuntimeException>> queue = failures.computeIfAbsent(method, m -> new ArrayDeque<>());
    synchronized (queue) {
      for (int i = 0; i < times; i++) {
        queue.add(exception);
      }
    }
  }

  @SuppressWarnings("unchecked")
  <A> void hook(Method<A> method, BiConsumer<String, ? super A> hook) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(hook, "hook");
    hooks.computeIfAbsent(method, m -> new CopyOnWriteArrayList<>())
        .add((id, argument) -> hook.accept(id, (A) argument));
  }

  List<MockCall<?>> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  @SuppressWarnings("unchecked")
  <A> List<MockCall<A>> calls(Method<A> method) {
    Objects.requireNonNull(method, "method");
    return calls().stream().filter(call -> call.is(method)).map(call -> (MockCall<A>) call)
        .collect(Collectors.toList());
  }

  /**
   * The oldest recorded call to {@code method} (any method when null) that no earlier take returned, waiting
   * up to {@code timeout} for one.
   *
   * @throws AssertionError when none arrives in time
   */
  MockCall<?> take(Method<?> method, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (!recording) {
      throw new IllegalStateException(owner + " records no calls (it was built with recording(false)); "
          + "build it with recording on to take calls");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (calls) {
      while (true) {
        for (int i = 0; i < calls.size(); i++) {
          if (!taken.get(i) && (method == null || calls.get(i).is(method))) {
            taken.set(i, true);
            return calls.get(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("No " + (method == null ? "" : method.name() + " ") + "call reached the " + owner
              + " within " + timeout + "; every call it recorded:" + describe(calls));
        }
        try {
          java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(calls, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("Interrupted while waiting for a call to the " + owner, e);
        }
      }
    }
  }

  /** The calls, one per line, for failure messages. */
  static String describe(List<? extends MockCall<?>> calls) {
    return calls.isEmpty() ? "\n  (no calls)"
        : calls.stream().map(call -> "\n  " + call).collect(Collectors.joining());
  }

  void reset() {
    synchronized (calls) {
      calls.clear();
      taken.clear();
    }
    failures.clear();
    hooks.clear();
  }

  private Supplier<? extends RuntimeException> nextFailure(Method<?> method) {
    Deque<Supplier<? extends RuntimeException>> queue = failures.get(method);
    if (queue == null) {
      return null;
    }
    synchronized (queue) {
      return queue.poll();
    }
  }

  private void record(MockCall<?> call) {
    if (recording) {
      synchronized (calls) {
        calls.add(call);
        taken.add(false);
        calls.notifyAll();
      }
    }
  }
}
