package io.steward.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP/1.1 requests in what a {@link TcpRelay#recordingTo recording relay} saw clients send. */
public final class RecordedRequests {

    private static final Pattern REQUEST =
            Pattern.compile("(PUT|POST|GET|HEAD|DELETE) (\\S+) HTTP/1\\.1\r\n((?:[^\r\n]+\r\n)*)\r\n");

    private RecordedRequests() {}

    /** One request as it went over the wire: method, path and query, and headers as {@code name: value}, names in lower case. */
    public record Request(String method, String target, List<String> headers) {

        public boolean has(String name, String value) {
            return headers.contains(name + ": " + value);
        }

        public boolean hasHeader(String name) {
            return headers.stream().anyMatch(header -> header.startsWith(name + ":"));
        }

        /** A request that creates an object: a PUT other than a multipart part, or the POST that starts an upload. */
        public boolean createsAnObject() {
            return method.equals("PUT") && !target.contains("partNumber=")
                    || method.equals("POST") && target.endsWith("?uploads");
        }
    }

    public static List<Request> of(TcpRelay relay) {
        List<Request> requests = new ArrayList<>();
        for (byte[] connection : relay.sentByClients()) {
            Matcher m = REQUEST.matcher(new String(connection, StandardCharsets.ISO_8859_1));
            while (m.find()) {
                List<String> headers = m.group(3)
                        .lines()
                        .map(line -> {
                            int colon = line.indexOf(':');
                            return line.substring(0, colon).toLowerCase(Locale.ROOT) + ": "
                                    + line.substring(colon + 1).strip();
                        })
                        .toList();
                requests.add(new Request(m.group(1), m.group(2), headers));
            }
        }
        return requests;
    }
}
