package io.steward.cli;

import io.steward.collector.TargetUri;
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

    TargetUri.Login login() {
        return new TargetUri.Login(username, password);
    }

    /**
     * A username and a password from a file or a named environment variable, as a section of the config file gives
     * them.
     *
     * @param section the key path of the section ({@code targets[0]}, {@code web})
     * @param fileKey the key of the password file in it ({@code password-file}); {@code envKey} likewise
     */
    static Credentials fromConfig(
            String username,
            String passwordFile,
            String passwordEnv,
            ConfigFile file,
            String section,
            String fileKey,
            String envKey,
            Map<String, String> env) {
        if (passwordFile != null && passwordEnv != null) {
            throw new ConfigException(file.at(section) + ": give " + fileKey + " or " + envKey + ", not both");
        }
        String password = null;
        if (passwordFile != null) {
            password = readPasswordFile(Path.of(passwordFile), file.at(section + "." + fileKey));
        } else if (passwordEnv != null) {
            password = env.get(passwordEnv);
            if (password == null) {
                throw new ConfigException(
                        file.at(section + "." + envKey) + ": environment variable " + passwordEnv + " is not set");
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
