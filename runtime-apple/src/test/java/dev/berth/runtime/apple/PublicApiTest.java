package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public types of this module's published packages are exactly those in
 * {@code src/test/resources/public-api.txt}: a type is public because a user or a backend author needs it,
 * and adding one is a decision made in review, not a side effect. Types in {@code internal} packages are not
 * API and are not listed.
 */
class PublicApiTest {
  private static final String MODULE = "runtime-apple";
  private static final Class<?> ANCHOR = dev.berth.runtime.apple.AppleRuntime.class;

  @Test
  void thePublicTypesAreExactlyTheAllowList() throws IOException, URISyntaxException {
    Set<String> actual = publicTypes();
    Set<String> allowed = allowList();
    Set<String> unexpected = new TreeSet<>(actual);
    unexpected.removeAll(allowed);
    Set<String> gone = new TreeSet<>(allowed);
    gone.removeAll(actual);
    assertThat(unexpected).as("public types of %s that are not on %s/src/test/resources/public-api.txt: make "
        + "them package-private or move them to an internal package, or add them to the list if users need "
        + "them", MODULE, MODULE).isEmpty();
    assertThat(gone).as("types on %s/src/test/resources/public-api.txt that are no longer public (or gone): "
        + "remove them from the list", MODULE).isEmpty();
  }

  /** Every accessible type (public, in public enclosing types) outside internal packages, by canonical name. */
  private static Set<String> publicTypes() throws IOException, URISyntaxException {
    Path classes = Path.of(ANCHOR.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<Path> files = Files.walk(classes)) {
      return files.filter(file -> file.toString().endsWith(".class"))
          .map(file -> classes.relativize(file).toString().replace(classes.getFileSystem().getSeparator(), ".")
              .replaceAll("\\.class$", ""))
          .filter(name -> !name.endsWith("module-info") && !name.endsWith("package-info")
              && !name.contains(".internal."))
          .map(PublicApiTest::load)
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

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, PublicApiTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError("Compiled class " + name + " cannot be loaded", e);
    }
  }

  private static Set<String> allowList() throws IOException {
    try (InputStream in = PublicApiTest.class.getResourceAsStream("/public-api.txt")) {
      assertThat(in).as("%s/src/test/resources/public-api.txt", MODULE).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
