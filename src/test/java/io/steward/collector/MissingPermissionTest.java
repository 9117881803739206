package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** NOPERM replies of Redis 7.0 and of 7.2 and later, told as the permission to grant. */
class MissingPermissionTest {

    private static Target as(String user) {
        RedisURI uri = RedisURI.create("redis://127.0.0.1:6390");
        if (user != null) {
            uri.setCredentialsProvider(new StaticCredentialsProvider(user, "pw".toCharArray()));
        }
        return new Target("cache", uri, Duration.ofSeconds(15));
    }

    @Test
    void aRefusedSubcommandOfRedis70IsNamedAsTheRuleToGrant() {
        assertThat(MissingPermission.explain(
                        as("steward"), "NOPERM this user has no permissions to run the 'memory|stats' command"))
                .isEqualTo("the user 'steward' lacks +memory|stats");
    }

    @Test
    void aRefusedCommandOfRedis72IsNamedTheSameWay() {
        assertThat(MissingPermission.explain(
                        as("steward"), "NOPERM User steward has no permissions to run the 'bgsave' command"))
                .isEqualTo("the user 'steward' lacks +bgsave");
    }

    @Test
    void aRefusedKeyAsksForAKeyPattern() {
        assertThat(MissingPermission.explain(
                        as("steward"),
                        "NOPERM this user has no permissions to access one of the keys used as arguments"))
                .isEqualTo("the user 'steward' lacks ~* (or a key pattern that covers the keys)");
        assertThat(MissingPermission.explain(as("steward"), "NOPERM No permissions to access a key"))
                .startsWith("the user 'steward' lacks a permission (NOPERM");
    }

    @Test
    void withoutAUsernameTheDefaultUserIsNamedAndOtherRepliesAreLeftAsTheyAre() {
        assertThat(MissingPermission.explain(as(null), "NOPERM this user has no permissions to run the 'info' command"))
                .isEqualTo("the user 'default' lacks +info");
        assertThat(MissingPermission.explain(as("steward"), "ERR unknown command 'MEMORY'"))
                .isEqualTo("ERR unknown command 'MEMORY'");
    }
}
