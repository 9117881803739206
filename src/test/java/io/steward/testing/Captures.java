package io.steward.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real command outputs captured from redis-server, under src/test/resources/info/. */
public final class Captures {

    private Captures() {}

    public static String text(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("/info/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture named " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
