package io.steward.cli;

import java.net.InetSocketAddress;

/** Parses {@code HOST:PORT}, {@code :PORT} (all interfaces) and {@code [::1]:PORT}. */
final class ListenAddress {

    private ListenAddress() {}

    static InetSocketAddress parse(String text, String where) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(
                    where + ": '" + text + "' is not HOST:PORT (for example :9739 or 127.0.0.1:9739)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException notANumber) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(where + ": '" + text + "' has no valid port (0-65535)");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
