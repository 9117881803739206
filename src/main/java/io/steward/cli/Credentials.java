package io.steward.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** An ACL username and password for a target. {@link #toString()} never shows the password. */
record Credentials(String username, String password) {

    static final Credentials NONE = new Credentials(null, null);

    boolean isEmpty() {
        return password == null;
    }

    /**
     * Resolves a password from a file or a named environment variable, whichever is given.
     *
     * @param where the key path or flag, for error messages
     */
    static Credentials resolve(
            String username, String passwordFile, String passwordEnv, Map<String, String> env, String where) {
        if (passwordFile != null && passwordEnv != null) {
            throw new ConfigException(where + ": give password-file or password-env, not both");
        }
        String password = null;
        if (passwordFile != null) {
            password = readPasswordFile(Path.of(passwordFile), where + ".password-file");
        } else if (passwordEnv != null) {
            password = env.get(passwordEnv);
            if (password == null) {
                throw new ConfigException(where + ".password-env: environment variable " + passwordEnv + " is not set");
            }
        }
        return new Credentials(username, password);
    }

    static String readPasswordFile(Path file, String where) {
        try {
            return Files.readString(file).strip();
        } catch (IOException unreadable) {
            throw new ConfigException(where + ": cannot read password file " + file + " ("
                    + unreadable.getClass().getSimpleName().replace("Exception", "") + ")");
        }
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + (password == null ? "none" : "****") + "]";
    }
}
