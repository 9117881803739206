/**
 * Diagnosing Redis: rules over collector snapshots that produce findings with severity, evidence and remedy.
 * Depends only on the collector; records its meters on a Micrometer registry it is handed.
 */
package io.steward.diagnostics;
