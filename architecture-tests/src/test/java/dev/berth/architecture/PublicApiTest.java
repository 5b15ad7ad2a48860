package dev.berth.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public types of each published module are exactly those in {@code src/test/resources/public-api/<module>.txt}
 * of this module: a type is public because a user or a backend author needs it, and adding one is a decision
 * made in review, not a side effect. Types in {@code internal} packages are not API and are not listed.
 *
 * <p>A new published module adds one line to {@link #modules()} and its list.
 */
class PublicApiTest {

  /** One class of each published module, to find the module's compiled classes. */
  static Stream<Arguments> modules() {
    return Stream.of(
        Arguments.of("runtime-api", dev.berth.runtime.Runtime.class),
        Arguments.of("runtime-core", dev.berth.runtime.core.ObjectStores.class),
        Arguments.of("runtime-testkit", dev.berth.runtime.testkit.MockRuntime.class),
        Arguments.of("runtime-minio", dev.berth.runtime.minio.MinioObjectStore.class),
        Arguments.of("runtime-local", dev.berth.runtime.local.LocalRuntime.class),
        Arguments.of("runtime-docker", dev.berth.runtime.docker.DockerRuntime.class),
        Arguments.of("runtime-micrometer", dev.berth.runtime.micrometer.BerthMetrics.class),
        Arguments.of("runtime-apple", dev.berth.runtime.apple.AppleRuntime.class),
        Arguments.of("runtime-kubernetes", dev.berth.runtime.kubernetes.KubernetesRuntime.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void thePublicTypesAreExactlyTheAllowList(String module, Class<?> anchor) throws IOException, URISyntaxException {
    String list = "architecture-tests/src/test/resources/public-api/" + module + ".txt";
    Set<String> actual = publicTypes(anchor);
    Set<String> allowed = allowList(module, list);
    Set<String> unexpected = new TreeSet<>(actual);
    unexpected.removeAll(allowed);
    Set<String> gone = new TreeSet<>(allowed);
    gone.removeAll(actual);
    assertThat(unexpected).as("public types of %s that are not on %s: make them package-private or move them "
        + "to an internal package, or add them to the list if users need them", module, list).isEmpty();
    assertThat(gone).as("types on %s that are no longer public (or gone): remove them from the list", list)
        .isEmpty();
  }

  /** Every accessible type (public, in public enclosing types) outside internal packages, by canonical name. */
  private static Set<String> publicTypes(Class<?> anchor) throws IOException, URISyntaxException {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(location)) {
      return publicTypesUnder(location, anchor.getClassLoader());
    }
    try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + location.toUri()), Map.of())) {
      return publicTypesUnder(jar.getPath("/"), anchor.getClassLoader());
    }
  }

  private static Set<String> publicTypesUnder(Path root, ClassLoader loader) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(file -> file.toString().endsWith(".class"))
          .map(file -> root.relativize(file).toString().replace(root.getFileSystem().getSeparator(), ".")
              .replaceAll("\\.class$", ""))
          .filter(name -> !name.endsWith("module-info") && !name.endsWith("package-info")
              && !name.startsWith("META-INF") && !name.contains(".internal."))
          .map(name -> load(name, loader))
          .filter(type -> !type.isAnonymousClass() && !type.isLocalClass() && !type.isSynthetic() && accessible(type))
          .map(Class::getCanonicalName)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean accessible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if (!Modifier.isPublic(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("Compiled class " + name + " cannot be loaded", e);
    }
  }

  private static Set<String> allowList(String module, String list) throws IOException {
    try (InputStream in = PublicApiTest.class.getResourceAsStream("/public-api/" + module + ".txt")) {
      assertThat(in).as(list).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
