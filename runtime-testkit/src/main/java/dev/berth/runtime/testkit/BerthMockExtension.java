package dev.berth.runtime.testkit;

import dev.berth.runtime.BotStatus;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link BerthMock}: creates the mocks of one test, injects them into fields before
 * {@code @BeforeEach} methods run and into method parameters, and after the test checks
 * {@link BerthMock#verifyNothingRunning()} and closes them. Registered by the annotation itself.
 */
public final class BerthMockExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BerthMockExtension.class);

  /** The mocks of one test. */
  private static final class Mocks {
    final MockEngine engine;
    final Map<String, Object> byTypeAndScope = new LinkedHashMap<>();
    final Map<Object, Boolean> verify = new LinkedHashMap<>();

    Mocks(boolean realTime) {
      this.engine = realTime ? MockEngine.realTime() : new MockEngine();
    }

    synchronized Object get(Class<?> type, BerthMock annotation) {
      if (annotation.realTime() && !engine.keepsRealTime()) {
        throw new ExtensionConfigurationException("@BerthMock(realTime = true) came after the test's engine was "
            + "created with virtual time; the mocks of one test share one engine, so set realTime on a field "
            + "or on the first @BerthMock parameter");
      }
      if (type == MockEngine.class) {
        return engine;
      }
      Object mock = byTypeAndScope.computeIfAbsent(type.getName() + "/" + annotation.scope(), key ->
          type == MockRuntime.class ? MockRuntime.builder().engine(engine).scope(annotation.scope()).build()
              : new MockBacktestRunner(engine, annotation.scope()));
      verify.merge(mock, annotation.verifyNothingRunning(), Boolean::logicalOr);
      return mock;
    }
  }

  private static Mocks mocks(ExtensionContext context, boolean realTime) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(Mocks.class, key -> new Mocks(realTime), Mocks.class);
  }

  private static List<Field> annotatedFields(Object instance) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.isAnnotationPresent(BerthMock.class)) {
          fields.add(field);
        }
      }
    }
    return fields;
  }

  private static boolean supported(Class<?> type) {
    return type == MockRuntime.class || type == MockBacktestRunner.class || type == MockEngine.class;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    List<Object> instances = context.getRequiredTestInstances().getAllInstances();
    List<Field> fields = instances.stream().flatMap(instance -> annotatedFields(instance).stream())
        .collect(Collectors.toList());
    if (fields.isEmpty()) {
      return; // parameters only: the first one resolved creates the mocks
    }
    Mocks mocks = mocks(context, fields.stream().anyMatch(field -> field.getAnnotation(BerthMock.class).realTime()));
    for (Object instance : instances) {
      for (Field field : annotatedFields(instance)) {
        if (!supported(field.getType()) || Modifier.isStatic(field.getModifiers())
            || Modifier.isFinal(field.getModifiers())) {
          throw new ExtensionConfigurationException("@BerthMock field " + field.getDeclaringClass().getSimpleName()
              + "." + field.getName() + " must be a non-static, non-final MockRuntime, MockBacktestRunner or "
              + "MockEngine");
        }
        field.setAccessible(true);
        field.set(instance, mocks.get(field.getType(), field.getAnnotation(BerthMock.class)));
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.isAnnotated(BerthMock.class) && supported(parameter.getParameter().getType())
        && parameter.getDeclaringExecutable() instanceof Method;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    BerthMock annotation = parameter.findAnnotation(BerthMock.class).orElseThrow();
    return mocks(context, annotation.realTime()).get(parameter.getParameter().getType(), annotation);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Mocks mocks = context.getStore(NAMESPACE).remove(Mocks.class, Mocks.class);
    if (mocks == null) {
      return;
    }
    List<String> leftovers = new ArrayList<>();
    try {
      mocks.verify.forEach((mock, verify) -> {
        if (!verify) {
          return;
        }
        if (mock instanceof MockRuntime) {
          MockRuntime runtime = (MockRuntime) mock;
          List<String> running = runtime.runningBots().stream().map(BotStatus::id).collect(Collectors.toList());
          if (!running.isEmpty()) {
            leftovers.add("bots still RUNNING in scope '" + runtime.scope() + "': " + running);
          }
        } else {
          MockBacktestRunner runner = (MockBacktestRunner) mock;
          if (!runner.activeBacktests().isEmpty()) {
            leftovers.add("backtests still running in scope '" + runner.scope() + "': " + runner.activeBacktests());
          }
        }
      });
    } finally {
      mocks.byTypeAndScope.values().forEach(mock -> {
        if (mock instanceof MockRuntime) {
          ((MockRuntime) mock).close();
        } else {
          ((MockBacktestRunner) mock).close();
        }
      });
    }
    if (!leftovers.isEmpty()) {
      throw new AssertionError("@BerthMock(verifyNothingRunning = true) found " + String.join("; ", leftovers)
          + " when the test ended. Stop or delete them in the test (or drop verifyNothingRunning).");
    }
  }
}
