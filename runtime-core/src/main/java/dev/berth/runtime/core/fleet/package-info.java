/**
 * Fleet machinery on any runtime: the {@link dev.berth.runtime.core.fleet.Reconciler} that converges the bots
 * of a scope to a desired state, its {@link dev.berth.runtime.core.fleet.ReconcileReport reports},
 * {@link dev.berth.runtime.core.fleet.FleetEvent events} and
 * {@link dev.berth.runtime.core.fleet.ReconcileListener listener hook}, and the
 * {@link dev.berth.runtime.core.fleet.Segments segment assignment} that splits a fleet over several processes.
 */
package dev.berth.runtime.core.fleet;
