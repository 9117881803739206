package io.steward.backup;

/**
 * The progress of a backup set's shards, copied side by side, told as one: for the phase a shard reports, what the
 * shards in that phase have done so far out of their totals (unknown while any of their totals is).
 */
final class SetProgress {

    private final Progress overall;
    private final Progress.Phase[] phases;
    private final long[] done;
    private final long[] totals;

    SetProgress(Progress overall, int shards) {
        this.overall = overall;
        this.phases = new Progress.Phase[shards];
        this.done = new long[shards];
        this.totals = new long[shards];
    }

    /** What one shard's copy reports to. */
    Progress shard(int index) {
        return (phase, doneSoFar, total) -> update(index, phase, doneSoFar, total);
    }

    private synchronized void update(int index, Progress.Phase phase, long doneSoFar, long total) {
        phases[index] = phase;
        done[index] = doneSoFar;
        totals[index] = total;
        long sumDone = 0;
        long sumTotal = 0;
        boolean known = true;
        for (int i = 0; i < phases.length; i++) {
            if (phases[i] == phase) {
                sumDone += done[i];
                sumTotal += totals[i];
                known &= totals[i] > 0;
            }
        }
        overall.update(phase, sumDone, known ? sumTotal : 0);
    }
}
