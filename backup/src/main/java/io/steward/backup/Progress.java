package io.steward.backup;

/** Told how far long work has come, for a progress line on a terminal. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (phase, done, total) -> {};

    /** What is happening, and in what unit it is counted. */
    enum Phase {
        /** Redis writes the RDB; counted in keys ({@code current_save_keys_processed}, Redis 6.2+). */
        SAVING("saving", "keys"),
        UPLOADING("uploading", "bytes"),
        DOWNLOADING("downloading", "bytes"),
        /** Keys sent to a running server ({@code RESTORE}), of those the backup holds that are to be loaded. */
        LOADING("loading", "keys");

        private final String label;
        private final String unit;

        Phase(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }

        public String label() {
            return label;
        }

        /** {@code keys} or {@code bytes}. */
        public String unit() {
            return unit;
        }
    }

    /** @param total 0 when unknown */
    void update(Phase phase, long done, long total);

    /** The work is over (done or failed): a terminal line can be closed. */
    default void finished() {}
}
