/**
 * Kubernetes backend: bots run as Deployments, backtests as Jobs and schedules as CronJobs, through
 * the official Kubernetes Java client.
 */
package dev.berth.runtime.kubernetes;
