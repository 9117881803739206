/**
 * Watching Redis: targets, one long-lived connection each, polling on an interval, and the pure parsers that
 * turn {@code INFO}, {@code MEMORY STATS}, {@code LATENCY LATEST} and the slow log into immutable snapshots.
 * Depends on nothing else in the agent.
 */
package io.steward.collector;
