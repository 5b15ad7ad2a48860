package dev.berth.runtime;

/**
 * Marker for optional capabilities a runtime may offer, looked up with {@link Runtime#feature(Class)}:
 *
 * <pre>{@code
 * runtime.feature(ExecManager.class)
 *     .map(exec -> exec.exec("bot-1", List.of("cat", "/proc/loadavg"), Duration.ofSeconds(5)))
 *     .ifPresent(result -> log.info("load: {}", result.stdout()));
 * }</pre>
 *
 * A caller that cannot work without the feature uses {@link Runtime#require(Class)}, which throws a clear
 * {@link UnsupportedFeatureException} instead of returning empty.
 */
public interface Feature {}
