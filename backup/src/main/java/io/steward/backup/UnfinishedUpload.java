package io.steward.backup;

import java.time.Instant;

/** A multipart upload that was begun and never completed nor aborted: invisible, but its parts take space. */
public record UnfinishedUpload(String key, String uploadId, Instant initiated) {}
