/**
 * What the agent knows, in Prometheus's terms: snapshots become redis_exporter-compatible families at scrape time,
 * beside the agent's own Micrometer meters, encoded for {@code /metrics} and {@code /scrape} (served by the CLI).
 * The only package that knows Prometheus.
 */
package io.steward.exporters;
