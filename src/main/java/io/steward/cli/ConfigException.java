package io.steward.cli;

/** A mistake in the configuration or the command line; the message names the key or flag and what to do. */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
