package io.steward.diagnostics;

/** Where the agent's doctor stands for one target. */
public sealed interface DoctorStatus {

    /** No diagnosis yet: the doctor waits for two polls to measure rates. */
    record Pending() implements DoctorStatus {}

    record Diagnosed(Report report) implements DoctorStatus {}

    /** A group's own findings (its members have a status each, by {@code group/host:port}). */
    record GroupDiagnosed(GroupReport report) implements DoctorStatus {}

    /** The target cannot be read; its findings are withdrawn until it is back. The message names no secret. */
    record Down(String message) implements DoctorStatus {}
}
