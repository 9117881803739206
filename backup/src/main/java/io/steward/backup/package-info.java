/**
 * Backing up Redis: BGSAVE, RDB verification, stores, manifests, retention and restore. Depends only on the
 * collector; records its meters on a Micrometer registry it is handed.
 */
package io.steward.backup;
