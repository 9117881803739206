/**
 * Serving what the agent knows to Prometheus: snapshots become redis_exporter-compatible families at scrape
 * time, beside the agent's own Micrometer meters, over {@code /metrics} and {@code /scrape}. The only package
 * that knows Prometheus.
 */
package io.steward.exporters;
