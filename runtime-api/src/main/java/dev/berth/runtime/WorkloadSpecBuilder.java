package dev.berth.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The builder parts {@link BotSpec.Builder} and {@link BacktestSpec.Builder} share.
 *
 * @param <S> the spec built
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class WorkloadSpecBuilder<S extends WorkloadSpec, B extends WorkloadSpecBuilder<S, B>> {
  String id;
  String image = "";
  List<String> command = new ArrayList<>();
  CodeBundle codeBundle;
  String entrypoint;
  String language;
  Map<String, String> env = new LinkedHashMap<>();
  String config = "{}";
  Map<String, String> labels = new LinkedHashMap<>();
  Resources resources = Resources.UNLIMITED;
  NetworkMode networkMode = NetworkMode.DEFAULT;
  List<Mount> mounts = new ArrayList<>();
  PullPolicy pullPolicy = PullPolicy.IF_NOT_PRESENT;
  RegistryCredentials registryCredentials;
  Map<String, String> options = new LinkedHashMap<>();

  WorkloadSpecBuilder(String id) {
    this.id = id;
  }

  WorkloadSpecBuilder(WorkloadSpec spec) {
    this.id = spec.id();
    this.image = spec.image();
    this.command = new ArrayList<>(spec.command());
    this.codeBundle = spec.codeBundle().orElse(null);
    this.entrypoint = spec.entrypoint().orElse(null);
    this.language = spec.language().orElse(null);
    this.env = new LinkedHashMap<>(spec.env());
    this.config = spec.config();
    this.labels = new LinkedHashMap<>(spec.labels());
    this.resources = spec.resources();
    this.networkMode = spec.networkMode();
    this.mounts = new ArrayList<>(spec.mounts());
    this.pullPolicy = spec.pullPolicy();
    this.registryCredentials = spec.registryCredentials().orElse(null);
    this.options = new LinkedHashMap<>(spec.options());
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  public B id(String id) {
    this.id = id;
    return self();
  }

  public B image(String image) {
    this.image = image;
    return self();
  }

  /** The program and its arguments; replaces any earlier command. */
  public B command(String... command) {
    return command(Arrays.asList(command));
  }

  /** The program and its arguments; replaces any earlier command. */
  public B command(List<String> command) {
    this.command = new ArrayList<>(command);
    return self();
  }

  public B codeBundle(CodeBundle codeBundle) {
    this.codeBundle = codeBundle;
    return self();
  }

  public B entrypoint(String entrypoint) {
    this.entrypoint = entrypoint;
    return self();
  }

  public B language(String language) {
    this.language = language;
    return self();
  }

  public B env(String name, String value) {
    this.env.put(name, value);
    return self();
  }

  /** Replaces all environment variables. */
  public B env(Map<String, String> env) {
    this.env = new LinkedHashMap<>(env);
    return self();
  }

  /** Config as JSON text; validated when the spec is built. */
  public B config(String configJson) {
    this.config = configJson;
    return self();
  }

  public B label(String key, String value) {
    this.labels.put(key, value);
    return self();
  }

  /** Replaces all labels. */
  public B labels(Map<String, String> labels) {
    this.labels = new LinkedHashMap<>(labels);
    return self();
  }

  public B resources(Resources resources) {
    this.resources = resources;
    return self();
  }

  public B networkMode(NetworkMode networkMode) {
    this.networkMode = networkMode;
    return self();
  }

  public B mount(Mount mount) {
    this.mounts.add(mount);
    return self();
  }

  public B pullPolicy(PullPolicy pullPolicy) {
    this.pullPolicy = pullPolicy;
    return self();
  }

  public B registryCredentials(RegistryCredentials registryCredentials) {
    this.registryCredentials = registryCredentials;
    return self();
  }

  public B option(String key, String value) {
    this.options.put(key, value);
    return self();
  }

  /** Builds and validates the spec. */
  public abstract S build();
}
