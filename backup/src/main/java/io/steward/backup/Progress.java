package io.steward.backup;

/** Told how far long work has come (bytes done of total), for a progress line on a terminal. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (phase, done, total) -> { };

    /**
     * @param phase what is happening: {@code "saving"}, {@code "uploading"}, {@code "downloading"}
     * @param total 0 when unknown
     */
    void update(String phase, long done, long total);

    /** The work is over (done or failed): a terminal line can be closed. */
    default void finished() {
    }
}
