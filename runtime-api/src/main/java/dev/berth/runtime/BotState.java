package dev.berth.runtime;

/** Lifecycle state of a bot. */
public enum BotState {
  /** Created, never started (or recreated by an update and not yet started). */
  CREATED,
  /** Its process is running. */
  RUNNING,
  /** Stopped on request, or exited with code 0. */
  STOPPED,
  /** Exited non-zero, or was killed without a request (OOM, crash, removed behind the runtime's back). */
  FAILED,
  /** The backend reports a state Berth cannot map. */
  UNKNOWN;

  /** True for {@link #STOPPED} and {@link #FAILED}. */
  public boolean isTerminal() {
    return this == STOPPED || this == FAILED;
  }
}
