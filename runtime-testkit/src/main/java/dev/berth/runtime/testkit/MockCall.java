package dev.berth.runtime.testkit;

import dev.berth.runtime.WorkloadSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One recorded call on a {@link MockRuntime} or {@link MockBacktestRunner}: what was called, with which
 * arguments, and how it ended.
 *
 * <pre>{@code
 * assertThat(mock.callsTo("start")).extracting(MockCall::id).containsExactly("bot-1");
 * }</pre>
 *
 * @param method the method name, e.g. {@code start}
 * @param arguments the arguments as passed (specs, ids, durations, options)
 * @param result what the call returned; empty for void methods and streams
 * @param failure what the call threw, if it failed
 * @param at when the call completed, by the engine's clock
 */
public record MockCall(String method, List<Object> arguments, Optional<Object> result,
    Optional<RuntimeException> failure, Instant at) {

  public MockCall {
    Objects.requireNonNull(method, "method");
    arguments = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(arguments));
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(at, "at");
  }

  /** The bot or backtest id the call was about (a spec's id for create/submit), or empty for list. */
  public String id() {
    if (arguments.isEmpty()) {
      return "";
    }
    Object first = arguments.get(0);
    if (first instanceof WorkloadSpec) {
      return ((WorkloadSpec) first).id();
    }
    return first instanceof String ? (String) first : "";
  }

  /** Whether the call returned normally. */
  public boolean succeeded() {
    return failure.isEmpty();
  }

  /** {@code start("bot-1") -> ok}, {@code create(spec bot-1) -> threw BotAlreadyExistsException}. */
  @Override
  public String toString() {
    String args = arguments.stream().map(MockCall::describe).collect(Collectors.joining(", "));
    return method + "(" + args + ") -> " + failure.map(e -> "threw " + e.getClass().getSimpleName()).orElse("ok");
  }

  private static String describe(Object argument) {
    if (argument instanceof WorkloadSpec) {
      return ((WorkloadSpec) argument).kind() + " spec '" + ((WorkloadSpec) argument).id() + "'";
    }
    return argument instanceof String ? "\"" + argument + "\"" : String.valueOf(argument);
  }
}
