package io.steward.diagnostics;

import io.steward.collector.Member;
import io.steward.collector.Role;
import java.util.Objects;
import java.util.Optional;

/**
 * One member of a group as the doctor saw it: what the topology calls it, and what it read there, or why it read
 * nothing.
 *
 * @param observation its two samples (or one); empty when it could not be read
 * @param problem why it could not be read, for people (empty when it was read); never holds a secret
 * @param examined whether it gets a report of its own: a primary read only to compare its replica with does not
 */
public record GroupMember(Member member, Optional<Observation> observation, String problem, boolean examined) {

    public GroupMember {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(observation, "observation");
        Objects.requireNonNull(problem, "problem");
        if (observation.isEmpty() == problem.isEmpty()) {
            throw new IllegalArgumentException("a member is either read or has a problem: " + member.node());
        }
    }

    /** A member read and judged on its own too (data nodes; Sentinels are judged by the group's rules only). */
    public static GroupMember read(Member member, Observation observation) {
        return new GroupMember(member, Optional.of(observation), "", member.kind() == Member.Kind.DATA);
    }

    /** A member read only to compare the others with: no report of its own. */
    public static GroupMember compared(Member member, Observation observation) {
        return new GroupMember(member, Optional.of(observation), "", false);
    }

    public static GroupMember unreadable(Member member, String problem) {
        return new GroupMember(member, Optional.empty(), problem, false);
    }

    /** {@code host:port}. */
    public String node() {
        return member.node();
    }

    /** The host part of its address, as written (127.0.0.1 and localhost differ). */
    public String host() {
        return member.host();
    }

    public boolean isData() {
        return member.kind() == Member.Kind.DATA;
    }

    public boolean isSentinel() {
        return member.kind() == Member.Kind.SENTINEL;
    }

    public boolean isRead() {
        return observation.isPresent();
    }

    /** Its observation; only for a member that {@link #isRead()}. */
    public Observation observed() {
        return observation.orElseThrow(() -> new IllegalStateException(member.node() + " was not read: " + problem));
    }

    /** Its role: as its own INFO says when read, else as the topology says. */
    public Role role() {
        return observation.map(Observation::role).orElse(member.role());
    }

    /** {@code 127.0.0.1:7000 (primary)}, for evidence lines. */
    public String describe() {
        return node() + " (" + (isSentinel() ? "Sentinel" : role().label()) + ")";
    }
}
