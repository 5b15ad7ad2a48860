package dev.berth.runtime;

import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.spi.RuntimeProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The machinery behind {@link Runtimes}, with its class loader as a parameter so tests can vary it. Logs
 * through {@link System.Logger} (the API module has no dependencies; SLF4J 2 users route it with
 * {@code slf4j-jdk-platform-logging}).
 */
final class Discovery {
  private static final System.Logger LOG = System.getLogger(Runtimes.class.getName());
  /** Duplicate-type warnings already given in this JVM, so repeated look-ups warn once. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final List<RuntimeProvider> providers;
  private final List<String> loadFailures;

  Discovery(ClassLoader classLoader) {
    this(classLoader, provider -> true);
  }

  Discovery(ClassLoader classLoader, java.util.function.Predicate<RuntimeProvider> accept) {
    List<RuntimeProvider> found = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Iterator<RuntimeProvider> iterator = ServiceLoader.load(RuntimeProvider.class, classLoader).iterator();
    // A broken provider must not hide the working ones: the iterator goes on after an error.
    for (int guard = 0; guard < 1000; guard++) {
      try {
        if (!iterator.hasNext()) {
          break;
        }
        RuntimeProvider provider = iterator.next();
        if (accept.test(provider)) {
          found.add(provider);
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        failures.add(describe(e));
      }
    }
    this.providers = List.copyOf(oneOfEachType(found));
    this.loadFailures = List.copyOf(failures);
  }

  /**
   * Keeps one provider per type, highest priority first: of several with one type (two jars of one backend,
   * or a fork next to the original) the highest priority wins, then the first class name, and a warning
   * names them all, as SLF4J does for several bindings.
   */
  private static List<RuntimeProvider> oneOfEachType(List<RuntimeProvider> found) {
    Comparator<RuntimeProvider> order = Comparator.comparingInt(RuntimeProvider::priority).reversed()
        .thenComparing(RuntimeProvider::type).thenComparing(p -> p.getClass().getName());
    Map<String, List<RuntimeProvider>> byType = found.stream().sorted(order)
        .collect(Collectors.groupingBy(RuntimeProvider::type, LinkedHashMap::new, Collectors.toList()));
    List<RuntimeProvider> chosen = new ArrayList<>();
    byType.forEach((type, candidates) -> {
      chosen.add(candidates.get(0));
      if (candidates.size() > 1) {
        String names = candidates.stream().map(p -> p.getClass().getName() + " (priority " + p.priority() + ")")
            .collect(Collectors.joining(", "));
        if (WARNED.add(type + "=" + names)) {
          LOG.log(System.Logger.Level.WARNING, "Several Berth runtime providers have type ''{0}'': {1}. Using {2}; "
              + "remove the other jars from the class path.", type, names, candidates.get(0).getClass().getName());
        }
      }
    });
    chosen.sort(order);
    return chosen;
  }

  /** Forgets which duplicate-type warnings were given, so a test can see one. */
  static void resetWarningsForTests() {
    WARNED.clear();
  }

  List<RuntimeProvider> providers() {
    return providers;
  }

  List<String> loadFailures() {
    return loadFailures;
  }

  Runtime create(String type, RuntimeConfig config) {
    RuntimeProvider provider = provider(type);
    return healthChecked(type, construct(provider, p -> p.createRuntime(config)), Runtime::health);
  }

  BacktestRunner backtests(String type, RuntimeConfig config) {
    RuntimeProvider provider = provider(type);
    return healthChecked(type, construct(provider, p -> p.createBacktestRunner(config)),
        BacktestRunner::health);
  }

  Runtime detect(RuntimeConfig config) {
    return detectAndCreate(config, "runtime", p -> p.createRuntime(config), Runtime::health);
  }

  BacktestRunner detectBacktests(RuntimeConfig config) {
    return detectAndCreate(config, "backtest runner", p -> p.createBacktestRunner(config),
        BacktestRunner::health);
  }

  Map<String, Probe> probeAll(RuntimeConfig config) {
    return providers.stream().collect(Collectors.toMap(RuntimeProvider::type, p -> probe(p, config),
        (first, second) -> first, LinkedHashMap::new));
  }

  /**
   * The type is chosen by the probes alone, in priority order, so that a runtime and a backtest runner
   * detected with the same config are of the same type. A chosen backend that then cannot make the product
   * asked for is an error saying why, never a silent switch to another type.
   */
  private <T extends AutoCloseable> T detectAndCreate(RuntimeConfig config, String product,
      Function<RuntimeProvider, T> factory, Function<T, Health> health) {
    List<String> attempts = new ArrayList<>();
    for (RuntimeProvider provider : providers) {
      String label = provider.type() + " (priority " + provider.priority() + ")";
      Probe probe = probe(provider, config);
      if (!probe.passed()) {
        attempts.add(label + ": " + probe.detail());
        LOG.log(System.Logger.Level.INFO, "Berth runtime {0} skipped: {1}", label, probe.detail());
        continue;
      }
      LOG.log(System.Logger.Level.INFO, "Berth runtime {0} detected: {1}", label, probe.detail());
      try {
        return healthChecked(provider.type(), construct(provider, factory), health);
      } catch (BerthException e) {
        throw new RuntimeUnavailableException("Detected the " + label + " runtime (" + probe.detail()
            + "), but its " + product + " cannot be used: " + e.getMessage() + System.lineSeparator()
            + "Detection picks one type for runtimes and backtest runners alike, so it does not fall back to "
            + "another. Fix the above, or choose a type with config key 'runtime' (" + Runtimes.TYPE_ENV + ").",
            e);
      }
    }
    throw new RuntimeUnavailableException(noneUsable(attempts));
  }
  private String noneUsable(List<String> attempts) {
    StringBuilder message = new StringBuilder("No Berth runtime is usable here.");
    if (attempts.isEmpty() && loadFailures.isEmpty()) {
      message.append(" No RuntimeProvider was found on the class path; add a backend jar such as "
          + "berth-runtime-local (runs everywhere) or berth-runtime-docker.");
      return message.toString();
    }
    message.append(" Tried:");
    attempts.forEach(a -> message.append(System.lineSeparator()).append("  - ").append(a));
    loadFailures.forEach(f -> message.append(System.lineSeparator()).append("  - ").append(f));
    message.append(System.lineSeparator())
        .append("Fix one of the above, or add berth-runtime-local, which runs everywhere.");
    return message.toString();
  }

  private RuntimeProvider provider(String type) {
    Optional<RuntimeProvider> match = providers.stream().filter(p -> p.type().equals(type)).findFirst();
    if (match.isPresent()) {
      return match.get();
    }
    String known = providers.isEmpty() ? "none" : providers.stream().map(RuntimeProvider::type)
        .collect(Collectors.joining(", "));
    StringBuilder message = new StringBuilder("No Berth runtime of type '" + type + "' is on the class path "
        + "(available: " + known + "). Add the berth-runtime-" + type + " jar, or pick an available type.");
    loadFailures.forEach(f -> message.append(System.lineSeparator()).append("  - ").append(f));
    throw new RuntimeUnavailableException(message.toString());
  }

  private static Probe probe(RuntimeProvider provider, RuntimeConfig config) {
    try {
      return provider.probe(config);
    } catch (RuntimeException e) {
      return Probe.fail("probe failed: " + e);
    }
  }

  private static <T> T construct(RuntimeProvider provider, Function<RuntimeProvider, T> factory) {
    try {
      return factory.apply(provider);
    } catch (BerthException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RuntimeUnavailableException("The " + provider.type() + " runtime could not be created: " + e, e);
    }
  }

  private static <T extends AutoCloseable> T healthChecked(String type, T created, Function<T, Health> health) {
    Health result;
    try {
      result = health.apply(created);
    } catch (RuntimeException e) {
      result = Health.unhealthy("health check threw " + e);
    }
    if (result.healthy()) {
      return created;
    }
    try {
      created.close();
    } catch (Exception e) {
      // The runtime is being discarded; the health problem is the error worth reporting.
    }
    throw new RuntimeUnavailableException("The " + type + " runtime is not usable: " + result.message());
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    Throwable cause = e.getCause();
    return "a provider failed to load: " + message + (cause == null ? "" : " (" + cause + ")");
  }
}
