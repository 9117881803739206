/**
 * Watching Redis, the only part of the agent that talks to it: targets, one long-lived connection each, the
 * probes a poll runs in one round trip, the pure parsers of their replies, and the typed, immutable
 * {@link io.steward.collector.Snapshot} that exporters, the doctor and backups read. Depends on nothing else in the
 * agent.
 */
package io.steward.collector;
