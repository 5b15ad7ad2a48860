package dev.berth.runtime;

/**
 * The backend cannot be reached or used here (engine down, no kubeconfig, CLI missing). The message says
 * what was tried and how to fix it, e.g. {@code Docker is not reachable at unix:///var/run/docker.sock
 * (connection refused). Start dockerd or set DOCKER_HOST.}
 */
public class RuntimeUnavailableException extends BerthException {
  private static final long serialVersionUID = 1L;

  public RuntimeUnavailableException(String message) {
    super(message);
  }

  public RuntimeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
