package io.steward.backup;

import java.time.Instant;

/** One object in a store: its key (relative to the store's root), size and last change. */
public record StoredObject(String key, long size, Instant lastModified) {}
