package dev.entente.testkit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** MariaDB (10.5 or later, whose prepared XA transactions survive a disconnect and a restart). */
final class MariaDbTestDatabase extends JdbcTestDatabase {

    /** ER_LOCK_WAIT_TIMEOUT: what DROP DATABASE reports when a prepared XA branch holds its tables. */
    private static final int LOCK_WAIT_TIMEOUT = 1205;

    MariaDbTestDatabase(JdbcServerUrl server, EmbeddedServer embedded, String origin) {
        super(server, embedded, origin);
    }

    /**
     * XA RECOVER does not say which database a prepared branch wrote to, so leftovers are not rolled
     * back here; a DROP blocked by one fails after a few seconds instead of waiting for a day.
     */
    @Override
    void recreate(Connection admin, String name) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("SET SESSION lock_wait_timeout = 10");
            try {
                statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
            } catch (SQLException e) {
                if (e.getErrorCode() == LOCK_WAIT_TIMEOUT) {
                    throw new SQLException("DROP DATABASE " + name + " timed out; prepared XA transactions on the server: "
                            + listPrepared(admin) + " (finish them with XA ROLLBACK)", e);
                }
                throw e;
            }
            statement.execute("CREATE DATABASE `" + name + "`");
        }
    }

    @Override
    List<String> listPrepared(Connection admin) throws SQLException {
        List<String> gtrids = new ArrayList<>();
        try (Statement statement = admin.createStatement(); ResultSet rs = statement.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                byte[] data = rs.getBytes("data");
                int gtridLength = rs.getInt("gtrid_length");
                gtrids.add(new String(data, 0, Math.min(gtridLength, data.length), StandardCharsets.UTF_8));
            }
        }
        return gtrids;
    }
}
