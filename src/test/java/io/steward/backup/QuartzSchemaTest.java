package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.testing.Postgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The shared schedule's tables on a real PostgreSQL: made when missing, checked when present, never dropped. */
class QuartzSchemaTest {

    private static void prepare(Postgres database, String prefix) throws Exception {
        try (Connection connection = database.connect(database.name())) {
            new QuartzSchema(prefix).prepare(connection);
        }
    }

    @Test
    void quartzsOwnScriptIsUsedWithoutItsDropStatementsUnderTheGivenPrefix() {
        List<String> statements = new QuartzSchema("steward_").createStatements();
        assertThat(statements).noneMatch(sql -> sql.toUpperCase().contains("DROP"));
        assertThat(statements).noneMatch(sql -> sql.contains("QRTZ_"));
        assertThat(statements.stream().filter(sql -> sql.startsWith("CREATE TABLE")))
                .hasSize(11)
                .anyMatch(sql -> sql.startsWith("CREATE TABLE steward_FIRED_TRIGGERS"));
    }

    @Test
    void makesTheTablesOnceAndLeavesTheirRowsOnEveryLaterStart() throws Exception {
        try (Postgres database = Postgres.database()) {
            prepare(database, "QRTZ_");
            database.execute("INSERT INTO qrtz_locks VALUES ('redis-steward', 'TRIGGER_ACCESS')");
            prepare(database, "QRTZ_");
            assertThat(database.tables()).hasSize(12).contains("qrtz_steward_schema", "qrtz_triggers");
            assertThat(database.column("SELECT lock_name FROM qrtz_locks")).containsExactly("TRIGGER_ACCESS");
            assertThat(database.column("SELECT version FROM qrtz_steward_schema"))
                    .containsExactly("1");
        }
    }

    @Test
    void agentsStartingTogetherMakeOneSchemaBetweenThem() throws Exception {
        try (Postgres database = Postgres.database()) {
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(CompletableFuture.runAsync(() -> {
                    try {
                        prepare(database, "QRTZ_");
                    } catch (Exception failure) {
                        throw new IllegalStateException(failure);
                    }
                }));
            }
            starts.forEach(CompletableFuture::join);
            assertThat(database.column("SELECT count(*) FROM qrtz_steward_schema"))
                    .containsExactly("1");
        }
    }

    @Test
    void twoPrefixesAreTwoSchedulesInOneDatabase() throws Exception {
        try (Postgres database = Postgres.database()) {
            prepare(database, "QRTZ_");
            prepare(database, "staging_");
            assertThat(database.tables()).hasSize(24).contains("staging_steward_schema", "qrtz_steward_schema");
        }
    }

    @Test
    void aSchemaOfANewerReleaseIsRefusedAndLeftAsItIs() throws Exception {
        try (Postgres database = Postgres.database()) {
            prepare(database, "QRTZ_");
            database.execute("UPDATE qrtz_steward_schema SET version = 2");
            assertThatThrownBy(() -> prepare(database, "QRTZ_"))
                    .isInstanceOf(ScheduleDatabaseException.class)
                    .hasMessage("the schedule's tables (prefix qrtz_) are at version 2, newer than this agent's 1:"
                            + " run the newer redis-steward here too");
            assertThat(database.tables()).hasSize(12);
        }
    }

    @Test
    void aTableDroppedByHandIsNamedAndNothingIsRemade() throws Exception {
        try (Postgres database = Postgres.database()) {
            prepare(database, "QRTZ_");
            database.execute("DROP TABLE qrtz_locks");
            assertThatThrownBy(() -> prepare(database, "QRTZ_"))
                    .isInstanceOf(ScheduleDatabaseException.class)
                    .hasMessageContaining("lack qrtz_locks")
                    .hasMessageContaining("nothing was changed");
            assertThat(database.tables()).hasSize(11).doesNotContain("qrtz_locks");
        }
    }
}
