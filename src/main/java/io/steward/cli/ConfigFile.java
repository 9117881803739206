package io.steward.cli;

import java.util.Map;

/**
 * The config file as read: its values, and where in the file each key is written, so that a mistake found in it
 * at any point is reported as {@code FILE:LINE:COLUMN: key.path: problem}.
 *
 * @param name the file as the user gave it, null when there is no config file
 */
record ConfigFile(String name, StewardConfig values, Map<String, Position> positions) {

    /** A line and a column, both counted from 1 as editors count them. */
    record Position(int line, int column) {}

    ConfigFile {
        positions = Map.copyOf(positions);
    }

    /** No config file: the defaults, and a key path names just itself. */
    static ConfigFile none() {
        return new ConfigFile(null, StewardConfig.empty(), Map.of());
    }

    boolean exists() {
        return name != null;
    }

    /**
     * A key with its place, for the start of a message: {@code steward.yaml:7:5: targets[0].poll-interval}. A key
     * that is not written (a value that is missing) takes the place of the nearest key around it.
     */
    String at(String keyPath) {
        if (name == null) {
            return keyPath;
        }
        for (String key = keyPath; !key.isEmpty(); key = parent(key)) {
            Position position = positions.get(key);
            if (position != null) {
                return name + ":" + position.line() + ":" + position.column() + ": " + keyPath;
            }
        }
        return name + ": " + keyPath;
    }

    private static String parent(String key) {
        return key.substring(0, Math.max(0, Math.max(key.lastIndexOf('.'), key.lastIndexOf('['))));
    }
}
