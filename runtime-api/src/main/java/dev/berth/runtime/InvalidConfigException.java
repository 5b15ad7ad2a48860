package dev.berth.runtime;

/**
 * A {@link dev.berth.runtime.RuntimeConfig} value could not be used: an unknown key, or a value that
 * does not parse. The message names the key and the expected form.
 */
public class InvalidConfigException extends BerthException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public InvalidConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The offending configuration key. */
  public String key() {
    return key;
  }
}
