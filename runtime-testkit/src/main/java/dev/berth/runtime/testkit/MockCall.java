package dev.berth.runtime.testkit;

import dev.berth.runtime.WorkloadSpec;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One recorded call on a {@link MockRuntime} or {@link MockBacktestRunner}: which method, about which id,
 * with which argument, and how it ended. The argument is typed by the method: a {@code BotSpec} for
 * {@link MockRuntime.Call#CREATE}, a {@code BotUpdate} for {@link MockRuntime.Call#UPDATE}, the grace for
 * {@link MockRuntime.Call#STOP}, the id itself for calls that take only an id.
 *
 * <pre>{@code
 * MockCall<BotUpdate> update = runtime.takeCall(UPDATE, Duration.ofSeconds(5));   // blocks until it happens
 * assertThat(update.id()).isEqualTo("bot-1");
 * assertThat(update.argument().resources()).hasValue(Resources.builder().memory("512m").build());
 * }</pre>
 *
 * @param <A> the type of the method's argument
 * @param method the method called, e.g. {@link MockRuntime.Call#START}
 * @param id the bot or backtest the call was about (a spec's id for create and submit); empty for list
 * @param argument the argument as passed: a spec, an update, a grace, log options, a filter, or the id
 * @param result what the call returned; empty for void methods and streams
 * @param failure what the call threw, if it failed
 * @param at when the call completed, by the engine's clock
 */
public record MockCall<A>(Method<A> method, String id, A argument, Optional<Object> result,
    Optional<RuntimeException> failure, Instant at) {

  /**
   * A method of a mock that is recorded and can be scripted, typed by its argument: the constants of
   * {@link MockRuntime.Call} and {@link MockBacktestRunner.Call}.
   *
   * @param <A> the type of the method's argument
   */
  public sealed interface Method<A> permits MockRuntime.Call, MockBacktestRunner.Call {
    /** The method's name, e.g. {@code start}. */
    String name();
  }

  public MockCall {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(argument, "argument");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(at, "at");
  }

  /** Whether this is a call to {@code expected}. */
  public boolean is(Method<?> expected) {
    return method == expected;
  }

  /**
   * This call, typed as a call to {@code expected}.
   *
   * @throws AssertionError when it was a call to another method
   */
  @SuppressWarnings("unchecked")
  public <B> MockCall<B> as(Method<B> expected) {
    if (method != expected) {
      throw new AssertionError("Expected a call to " + expected.name() + " but the call was " + this);
    }
    return (MockCall<B>) this;
  }

  /** Whether the call returned normally. */
  public boolean succeeded() {
    return failure.isEmpty();
  }

  /**
   * {@code start("bot-1") -> ok}, {@code create(bot spec 'bot-1') -> threw BotAlreadyExistsException},
   * {@code stop("bot-1", PT10S) -> ok}.
   */
  @Override
  public String toString() {
    String args;
    if (argument instanceof WorkloadSpec) {
      args = ((WorkloadSpec) argument).kind() + " spec '" + id + "'";
    } else if (argument.equals(id)) {
      args = "\"" + id + "\"";
    } else if (id.isEmpty()) {
      args = String.valueOf(argument);
    } else {
      args = "\"" + id + "\", " + argument;
    }
    return method.name() + "(" + args + ") -> " + failure.map(e -> "threw " + e.getClass().getSimpleName())
        .orElse("ok");
  }
}
