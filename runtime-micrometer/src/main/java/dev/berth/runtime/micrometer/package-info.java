/**
 * Micrometer metrics for Berth: {@link dev.berth.runtime.micrometer.BerthMetrics} binds runtimes, backtest
 * runners and reconcilers to a {@code MeterRegistry}.
 */
package dev.berth.runtime.micrometer;
