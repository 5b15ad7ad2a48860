package dev.berth.runtime;

/**
 * The runtime cannot do what was asked: an optional {@link Feature} it does not offer, or a spec setting it
 * cannot honour (a named network on a backend without networks).
 */
public class UnsupportedFeatureException extends BerthException {
  private static final long serialVersionUID = 1L;

  public UnsupportedFeatureException(String message) {
    super(message);
  }

  /**
   * The standard message for a missing feature manager.
   *
   * @param feature the feature interface that was asked for
   * @param runtimeType the runtime that lacks it
   */
  public static UnsupportedFeatureException of(Class<? extends Feature> feature, String runtimeType) {
    return new UnsupportedFeatureException(feature.getSimpleName() + " is not available on the '"
        + runtimeType + "' runtime; " + whereAvailable(feature) + ".");
  }

  private static String whereAvailable(Class<? extends Feature> feature) {
    switch (feature.getSimpleName()) {
      case "SidecarManager":
        return "it requires the docker runtime";
      case "NetworkManager":
        return "it requires the docker or kubernetes runtime (apple where the CLI supports networks)";
      case "ScheduleManager":
        return "it requires the kubernetes runtime (native CronJobs) or a runtime with a scheduler";
      default:
        return "check runtime.capabilities() or use the docker runtime, which offers every feature manager";
    }
  }
}
