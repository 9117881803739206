package io.steward.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** How an agent names itself among those sharing a schedule: its host, its process, and a few random characters. */
final class AgentInstance {

    private AgentInstance() {}

    static String id() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unnamed) {
            host = "unknown-host";
        }
        // One process may run several agents (tests do): the random part keeps their ids apart.
        return host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 4);
    }
}
