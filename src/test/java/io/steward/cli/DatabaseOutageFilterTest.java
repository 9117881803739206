package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.spi.FilterReply;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.quartz.JobPersistenceException;
import org.slf4j.LoggerFactory;

/** Quartz's repeats of a lost database are dropped from the log; its other errors are not. */
class DatabaseOutageFilterTest {

    private final DatabaseOutageFilter filter = new DatabaseOutageFilter();
    private final Logger quartz = (Logger) LoggerFactory.getLogger("org.quartz.impl.jdbcjobstore.JobStoreTX");

    private FilterReply asLastArgument(Logger logger, Throwable failure) {
        return filter.decide(
                null,
                logger,
                Level.ERROR,
                "ClusterManager: Error managing cluster: {}",
                new Object[] {failure.getMessage(), failure},
                null);
    }

    @Test
    void aRefusedConnectionUnderQuartzIsDropped() {
        JobPersistenceException refused = new JobPersistenceException(
                "Failed to obtain DB connection",
                new SQLTransientConnectionException("pool timed out", new ConnectException("Connection refused")));
        assertThat(asLastArgument(quartz, refused)).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, quartz, Level.ERROR, "failed", null, refused))
                .isEqualTo(FilterReply.DENY);
    }

    @Test
    void aSessionTheServerEndedIsDropped() {
        SQLException shutdown = new SQLException("terminating connection due to administrator command", "57P01");
        assertThat(asLastArgument(quartz, new JobPersistenceException("checkin", shutdown)))
                .isEqualTo(FilterReply.DENY);
    }

    @Test
    void anotherDatabaseErrorStillShows() {
        SQLException missingTable = new SQLException("relation \"qrtz_locks\" does not exist", "42P01");
        assertThat(asLastArgument(quartz, new JobPersistenceException("acquire", missingTable)))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void theAgentsOwnLinesAreNeverDropped() {
        Logger own = (Logger) LoggerFactory.getLogger(ScheduledBackups.class);
        assertThat(asLastArgument(own, new ConnectException("Connection refused")))
                .isEqualTo(FilterReply.NEUTRAL);
    }
}
