package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BotSpecTest {
  private static BotSpec.Builder valid() {
    return BotSpec.builder("momentum-btc").image("busybox:1.36").command("sh", "-c", "echo hi");
  }

  @Test
  void buildsWithDefaults() {
    BotSpec spec = valid().build();
    assertThat(spec.id()).isEqualTo("momentum-btc");
    assertThat(spec.config()).isEqualTo("{}");
    assertThat(spec.resources()).isEqualTo(Resources.UNLIMITED);
    assertThat(spec.networkMode()).isEqualTo(NetworkMode.DEFAULT);
    assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.NEVER);
    assertThat(spec.pullPolicy()).isEqualTo(PullPolicy.IF_NOT_PRESENT);
    assertThat(spec.codeBundle()).isEmpty();
    assertThat(spec.kind()).isEqualTo(WorkloadKind.BOT);
    assertThat(spec.kind().label()).isEqualTo("bot");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "bot-1", "0abc", "a-b-c-9", "x23456789012345678901234567890123456789012345678901234567890123"})
  void acceptsDnsLabels(String id) {
    assertThat(valid().id(id).build().id()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "My_Bot", "-bot", "bot-", "bot.1", "BOT", "bot 1", "ä",
      "x234567890123456789012345678901234567890123456789012345678901234"})
  void rejectsIdsThatAreNotDnsLabels(String id) {
    assertThatThrownBy(() -> valid().id(id).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("id:");
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        rule("no command and no bundle", b -> b.command(List.of()), "command: is empty and no entrypoint"),
        rule("blank program", b -> b.command(" ", "x"), "command: starts with an empty program name"),
        rule("entrypoint without bundle", b -> b.entrypoint("main.py"), "entrypoint: is set without a codeBundle"),
        rule("entrypoint escaping", b -> b.codeBundle(CodeBundle.directory(Path.of("x"))).entrypoint("../main.py"),
            "entrypoint: '../main.py' leaves"),
        rule("absolute entrypoint", b -> b.codeBundle(CodeBundle.directory(Path.of("x"))).entrypoint("/main.py"),
            "entrypoint: '/main.py' is absolute"),
        rule("unknown language", b -> b.language("cobol"), "language: 'cobol' is not supported"),
        rule("image with space", b -> b.image("busy box"), "image: 'busy box' contains whitespace"),
        rule("bad env name", b -> b.env("1X", "v"), "env: '1X' is not a valid environment variable name"),
        rule("reserved env", b -> b.env("BOT_ID", "v"), "env: BOT_ID is set by Berth"),
        rule("reserved env config", b -> b.env("BOT_CONFIG", "v"), "env: BOT_CONFIG is set by Berth"),
        rule("config not json", b -> b.config("{symbol: BTC}"), "config: is not valid JSON"),
        rule("trailing json", b -> b.config("{} x"), "config: is not valid JSON"),
        rule("bad label key", b -> b.label("bad key", "v"), "labels: key 'bad key'"),
        rule("long label value", b -> b.label("k", "v".repeat(64)), "labels: value of 'k' is longer"),
        rule("reserved label", b -> b.label("berth.id", "x"), "reserved prefix 'berth.'"),
        rule("duplicate port", b -> b.port(PortMapping.tcp(80)).port(PortMapping.tcp(80, 8080)),
            "ports: a container port is listed twice"),
        rule("duplicate mount", b -> b.mount(Mount.readOnly("/a", "/data")).mount(Mount.readOnly("/b", "/data")),
            "mounts: two mounts share one target"),
        rule("blank option key", b -> b.option(" ", "x"), "options: has a blank key"),
        rule("config array", b -> b.config("[1,2]"), "config: is a JSON array, not an object"),
        rule("config string", b -> b.config("\"x\""), "config: is a JSON string, not an object"),
        rule("config number", b -> b.config(" 3 "), "config: is a JSON number, not an object"),
        rule("config null", b -> b.config("null"), "config: is a JSON null, not an object"),
        rule("NUL in env value", b -> b.env("API_KEY", "se\0cret"),
            "env.API_KEY: value contains a NUL character; remove it"),
        rule("NUL in env name", b -> b.env("A\0B", "v"), "env: name 'A\\0B' contains a NUL character"),
        rule("NUL in an argument", b -> b.command("sh", "-c", "echo a\0b"), "command[2]: contains a NUL character"),
        rule("NUL in the program", b -> b.command("s\0h"), "command[0]: contains a NUL character"),
        rule("NUL in the entrypoint", b -> b.codeBundle(CodeBundle.directory(Path.of("x"))).entrypoint("ma\0in.py"),
            "entrypoint: contains a NUL character"),
        rule("NUL in a label value", b -> b.label("team", "qu\0ant"), "labels.team: value contains a NUL character"),
        rule("NUL in a label key", b -> b.label("te\0am", "quant"), "labels: key 'te\\0am' contains a NUL character"),
        rule("NUL in config", b -> b.config("{\"a\":\"\0\"}"), "config: contains a NUL character"),
        rule("NUL in an option value", b -> b.option("docker.user", "ro\0ot"),
            "options.docker.user: value contains a NUL character"),
        rule("NUL in the image", b -> b.image("busy\0box"), "image: contains a NUL character"),
        rule("NUL in the language", b -> b.language("py\0thon"), "language: 'py\\0thon' is not supported"));
  }

  private static Arguments rule(String name, UnaryOperator<BotSpec.Builder> change, String expected) {
    return Arguments.of(name, change, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void rejectsEachRuleWithFieldAndFix(String name, UnaryOperator<BotSpec.Builder> change, String expected) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void listsEveryViolationNotJustTheFirst() {
    InvalidSpecException e = (InvalidSpecException) org.assertj.core.api.Assertions.catchThrowable(() ->
        BotSpec.builder("Bad_Id").command(List.of()).config("nope").env("BOT_ID", "x").build());
    assertThat(e.violations()).hasSize(4);
    assertThat(e.getMessage()).startsWith("Invalid BotSpec (4 problems):")
        .contains("id:", "command:", "config:", "env:");
  }

  @Test
  void acceptsBundleWithEntrypointAndLanguages() {
    for (String language : List.of("python3", "python3.11", "nodejs", "nodejs20", "node", "java", "java21", "command")) {
      BotSpec spec = BotSpec.builder("b").codeBundle(CodeBundle.directory(Path.of("strategy")))
          .entrypoint("src/main.py").language(language).build();
      assertThat(spec.language()).contains(language);
      assertThat(spec.command()).isEmpty();
    }
  }

  @Test
  void acceptsTheFleetLabelsAndValidJsonConfig() {
    BotSpec spec = valid().label(BotFilter.SEGMENT_LABEL, "s1").label(BotFilter.SPEC_HASH_LABEL, "0a1b2c3d4e5f6789")
        .label("example.com/team", "quant")
        .config("{\"symbols\":[\"BTC\",\"ETH\"],\"risk\":-1.5e-3,\"live\":false,\"x\":null,\"s\":\"\\u00e9\\n\"}")
        .build();
    assertThat(spec.labels()).containsEntry(BotFilter.SEGMENT_LABEL, "s1")
        .containsEntry(BotFilter.SPEC_HASH_LABEL, "0a1b2c3d4e5f6789");
  }

  @Test
  void copiesCollectionsDefensivelyAndIsImmutable() {
    List<String> command = new ArrayList<>(List.of("echo", "a"));
    Map<String, String> env = new HashMap<>(Map.of("A", "1"));
    BotSpec spec = BotSpec.builder("b").command(command).env(env).build();
    command.add("mutated");
    env.put("B", "2");
    assertThat(spec.command()).containsExactly("echo", "a");
    assertThat(spec.env()).containsOnlyKeys("A");
    assertThatThrownBy(() -> spec.command().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.env().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.labels().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsNullElements() {
    List<String> command = new ArrayList<>();
    command.add("echo");
    command.add(null);
    assertThatThrownBy(() -> BotSpec.builder("b").command(command).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("command: contains a null element");
    Map<String, String> env = new HashMap<>();
    env.put("A", null);
    assertThatThrownBy(() -> BotSpec.builder("b").command("x").env(env).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("env: contains a null");
  }

  @Test
  void toBuilderRoundTripsAndSortsMaps() {
    BotSpec spec = valid().env("Z", "1").env("A", "2").port(PortMapping.tcp(8080))
        .restartPolicy(RestartPolicy.onFailure(3)).registryCredentials(new RegistryCredentials("ghcr.io", "u", "p"))
        .build();
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
    assertThat(spec.env().keySet()).containsExactly("A", "Z");
    assertThat(spec.toString()).doesNotContain("password=p").contains("password=***");
  }
}
