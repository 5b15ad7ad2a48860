package dev.berth.runtime.testkit;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Recording, hooks and scripted failures shared by {@link MockRuntime} and {@link MockBacktestRunner}. */
final class CallScript {
  private final String owner;
  private final Set<String> methods;
  private final Clock clock;
  private final boolean recording;
  private final List<MockCall> calls = new ArrayList<>();
  private final Map<String, Deque<Supplier<? extends RuntimeException>>> failures = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<List<Object>>>> hooks = new ConcurrentHashMap<>();

  CallScript(String owner, Set<String> methods, Clock clock, boolean recording) {
    this.owner = owner;
    this.methods = new TreeSet<>(methods);
    this.clock = clock;
    this.recording = recording;
  }

  /** Runs a scripted failure or the hooks, then {@code body}, and records the outcome. */
  <T> T call(String method, List<Object> arguments, Supplier<T> body) {
    try {
      Supplier<? extends RuntimeException> failure = nextFailure(method);
      if (failure != null) {
        throw failure.get();
      }
      hooks.getOrDefault(method, List.of()).forEach(hook -> hook.accept(arguments));
      T result = body.get();
      record(new MockCall(method, arguments, result instanceof Stream ? Optional.empty()
          : Optional.ofNullable(result), Optional.empty(), clock.instant()));
      return result;
    } catch (RuntimeException e) {
      record(new MockCall(method, arguments, Optional.empty(), Optional.of(e), clock.instant()));
      throw e;
    }
  }

  void failNext(String method, int times, Supplier<? extends RuntimeException> exception) {
    requireKnown(method);
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

  void hook(String method, Consumer<List<Object>> hook) {
    requireKnown(method);
    hooks.computeIfAbsent(method, m -> new CopyOnWriteArrayList<>()).add(hook);
  }

  List<MockCall> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  List<MockCall> callsTo(String method) {
    requireKnown(method);
    return calls().stream().filter(call -> call.method().equals(method)).collect(Collectors.toList());
  }

  void reset() {
    synchronized (calls) {
      calls.clear();
    }
    failures.clear();
    hooks.clear();
  }

  void requireKnown(String method) {
    if (!methods.contains(method)) {
      throw new IllegalArgumentException("'" + method + "' is not a recorded method of " + owner + "; use one of "
          + methods);
    }
  }

  private Supplier<? extends RuntimeException> nextFailure(String method) {
    Deque<Supplier<? extends RuntimeException>> queue = failures.get(method);
    if (queue == null) {
      return null;
    }
    synchronized (queue) {
      return queue.poll();
    }
  }

  private void record(MockCall call) {
    if (recording) {
      synchronized (calls) {
        calls.add(call);
      }
    }
  }
}
