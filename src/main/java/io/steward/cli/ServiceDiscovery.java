package io.steward.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.collector.GroupState;
import io.steward.collector.Member;
import io.steward.collector.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /discover}: every member of the agent's groups in Prometheus' HTTP service discovery format, one entry per
 * member, so the multi-target pattern ({@code /scrape?target=}) covers groups as they change. Each entry's target
 * is the member's URI, without credentials; its labels say which group, node, role and shard it is.
 */
final class ServiceDiscovery {

    private final Supplier<List<GroupState>> groups;

    /** Made on the first answer, so an agent nobody discovers through loads none of Jackson's classes. */
    private ObjectMapper json;

    ServiceDiscovery(Supplier<List<GroupState>> groups) {
        this.groups = groups;
    }

    private synchronized ObjectMapper json() {
        if (json == null) {
            json = new ObjectMapper();
        }
        return json;
    }

    /** The JSON array Prometheus' {@code http_sd_configs} reads. */
    String answer() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (GroupState state : groups.get()) {
            Target group = state.group();
            for (Member member : state.topology().map(t -> t.members()).orElse(List.of())) {
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("target", group.name());
                labels.put("node", member.node());
                labels.put(
                        "role",
                        member.kind() == Member.Kind.SENTINEL
                                ? "sentinel"
                                : member.role().infoName());
                labels.put("shard", member.shard());
                String scheme = group.isTls() ? "rediss://" : "redis://";
                entries.add(Map.of("targets", List.of(scheme + member.node()), "labels", labels));
            }
        }
        try {
            return json().writeValueAsString(entries) + "\n";
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot write the discovery answer", impossible);
        }
    }
}
