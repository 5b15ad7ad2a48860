package dev.berth.runtime.kubernetes.sim;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One Kubernetes container as a Docker container: image (every image becomes {@code BERTH_TEST_IMAGE} when that
 * is set, so tests never pull), {@code command} as entrypoint and {@code args} as command, working directory,
 * environment, volume mounts (with {@code subPath}), the termination message file, memory and CPU limits and the
 * security context. Runs on the host network with an init process, so that pods reach loopback services and a
 * graceful stop reaches the workload.
 */
final class ContainerSpecs {
  static final String TEST_IMAGE = System.getenv("BERTH_TEST_IMAGE");
  static final String DEFAULT_TERMINATION_PATH = "/dev/termination-log";

  private ContainerSpecs() {}

  /**
   * The image to run: {@code BERTH_TEST_IMAGE} when set, except for images from a registry under the reserved
   * {@code .invalid} domain, which stay as they are and so can never be pulled: tests use them for a pod that
   * waits in {@code ImagePullBackOff}, as it would on a real cluster.
   */
  static String image(V1Container container) {
    String image = container.getImage();
    boolean unpullable = image != null && image.contains("/") && image.substring(0, image.indexOf('/'))
        .split(":")[0].endsWith(".invalid");
    return TEST_IMAGE == null || TEST_IMAGE.isBlank() || unpullable ? image : TEST_IMAGE;
  }

  static CreateContainerCmd create(DockerClient docker, String name, V1Container container,
      V1PodSecurityContext podSecurity, Map<String, String> env, PodVolumes volumes, Path terminationFile,
      Map<String, String> labels) {
    List<String> command = EnvResolver.expand(container.getCommand(), env);
    List<String> args = EnvResolver.expand(container.getArgs(), env);
    CreateContainerCmd cmd = docker.createContainerCmd(image(container)).withName(name).withLabels(labels)
        .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.toList()));
    if (command != null) {
      cmd.withEntrypoint(command);
      cmd.withCmd(args == null ? List.of() : args);
    } else if (args != null) {
      cmd.withCmd(args);
    }
    if (container.getWorkingDir() != null) {
      cmd.withWorkingDir(container.getWorkingDir());
    }
    HostConfig host = HostConfig.newHostConfig().withNetworkMode("host").withInit(true)
        .withBinds(binds(container, volumes, terminationFile));
    limits(container, host);
    security(container.getSecurityContext(), podSecurity, cmd, host);
    return cmd.withHostConfig(host);
  }

  /**
   * Refuses what a real kubelet refuses: {@code runAsNonRoot} with no {@code runAsUser} while the image runs as
   * root, or as a user name that cannot be checked. The pod then waits in {@code CreateContainerConfigError}.
   */
  static void checkNonRoot(DockerClient docker, V1Container container, V1PodSecurityContext pod, String podName)
      throws PodVolumes.NotReady {
    V1SecurityContext own = container.getSecurityContext();
    Boolean nonRoot = own != null && own.getRunAsNonRoot() != null ? own.getRunAsNonRoot()
        : pod == null ? null : pod.getRunAsNonRoot();
    if (!Boolean.TRUE.equals(nonRoot)) {
      return;
    }
    Long user = own != null && own.getRunAsUser() != null ? own.getRunAsUser()
        : pod == null ? null : pod.getRunAsUser();
    String where = " (pod: \"" + podName + "\", container: " + container.getName() + ")";
    if (user != null) {
      if (user == 0) {
        throw new PodVolumes.NotReady("container's runAsUser breaks non-root policy" + where);
      }
      return;
    }
    String imageUser = docker.inspectImageCmd(image(container)).exec().getConfig().getUser();
    String name = imageUser == null ? "" : imageUser.split(":")[0];
    if (name.isEmpty() || "0".equals(name) || "root".equals(name)) {
      throw new PodVolumes.NotReady("container has runAsNonRoot and image will run as root" + where);
    }
    if (!name.matches("\\d+")) {
      throw new PodVolumes.NotReady("container has runAsNonRoot and image has non-numeric user (" + name
          + "), cannot verify user is non-root" + where);
    }
  }

  private static List<Bind> binds(V1Container container, PodVolumes volumes, Path terminationFile) {
    List<Bind> binds = new ArrayList<>();
    for (V1VolumeMount mount : Objects.requireNonNullElse(container.getVolumeMounts(), List.<V1VolumeMount>of())) {
      Path source = volumes.path(mount.getName());
      if (source == null) {
        throw new IllegalArgumentException("volumeMounts " + mount.getName() + " names no volume of the pod");
      }
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        source = source.resolve(mount.getSubPath());
        if (!Files.exists(source)) {
          try {
            Files.createDirectories(source);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly()) || volumes.readOnly(mount.getName());
      AccessMode mode = readOnly ? AccessMode.ro : AccessMode.rw;
      binds.add(new Bind(source.toString(), new Volume(mount.getMountPath()), mode));
    }
    String path = Objects.requireNonNullElse(container.getTerminationMessagePath(), DEFAULT_TERMINATION_PATH);
    binds.add(new Bind(terminationFile.toString(), new Volume(path), AccessMode.rw));
    return binds;
  }

  private static void limits(V1Container container, HostConfig host) {
    Map<String, Quantity> limits = container.getResources() == null ? null : container.getResources().getLimits();
    if (limits == null) {
      return;
    }
    Quantity memory = limits.get("memory");
    if (memory != null) {
      long bytes = memory.getNumber().longValue();
      host.withMemory(bytes).withMemorySwap(bytes);
    }
    Quantity cpu = limits.get("cpu");
    if (cpu != null) {
      host.withNanoCPUs(cpu.getNumber().movePointRight(9).longValue());
    }
  }

  private static void security(V1SecurityContext container, V1PodSecurityContext pod, CreateContainerCmd cmd,
      HostConfig host) {
    Long user = container != null && container.getRunAsUser() != null ? container.getRunAsUser()
        : pod == null ? null : pod.getRunAsUser();
    Long group = container != null && container.getRunAsGroup() != null ? container.getRunAsGroup()
        : pod == null ? null : pod.getRunAsGroup();
    if (user != null) {
      cmd.withUser(group == null ? String.valueOf(user) : user + ":" + group);
    }
    if (container == null) {
      return;
    }
    if (Boolean.FALSE.equals(container.getAllowPrivilegeEscalation())) {
      host.withSecurityOpts(List.of("no-new-privileges"));
    }
    if (Boolean.TRUE.equals(container.getReadOnlyRootFilesystem())) {
      host.withReadonlyRootfs(true);
    }
    if (Boolean.TRUE.equals(container.getPrivileged())) {
      host.withPrivileged(true);
    }
    V1Capabilities caps = container.getCapabilities();
    if (caps != null && caps.getDrop() != null) {
      host.withCapDrop(caps.getDrop().stream().map(ContainerSpecs::capability).toArray(Capability[]::new));
    }
    if (caps != null && caps.getAdd() != null) {
      host.withCapAdd(caps.getAdd().stream().map(ContainerSpecs::capability).toArray(Capability[]::new));
    }
  }

  private static Capability capability(String name) {
    return Capability.valueOf(name.startsWith("CAP_") ? name.substring(4) : name);
  }
}
