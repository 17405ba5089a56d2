package dev.entente.bench.twodatabases;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits, once a global-transaction workload has measured, until the coordinator has finished phase 2
 * of every branch it prepared: the workload JVM is this resource's only RM, so branches still prepared
 * when it exits would stay in the databases (holding their rows) until some RM of the same database
 * connects.
 */
public final class PhaseTwoWait {

    private PhaseTwoWait() {
    }

    /**
     * Returns once neither database holds a prepared branch whose global transaction id begins with
     * {@code xidPrefix} and a colon (Entente: the cluster id; Seata: its coordinator's address), or after
     * {@code patience} with a warning.
     */
    public static void awaitNoPreparedBranch(String xidPrefix, String postgresUrl, String mariadbUrl, Duration patience)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        int left;
        while ((left = prepared(xidPrefix, postgresUrl, mariadbUrl)) > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        if (left > 0) {
            System.err.printf("%d branches still prepared %d s after the measurement; the coordinator finishes them "
                    + "when an RM of their database connects again%n", left, patience.toSeconds());
        }
    }

    private static int prepared(String xidPrefix, String postgresUrl, String mariadbUrl) throws SQLException {
        int count = 0;
        try (Connection postgres = DriverManager.getConnection(postgresUrl); Statement statement = postgres.createStatement();
             ResultSet rs = statement.executeQuery("select count(*) from pg_prepared_xacts where database = current_database()")) {
            rs.next();
            count += rs.getInt(1);
        }
        try (Connection mariadb = DriverManager.getConnection(mariadbUrl); Statement statement = mariadb.createStatement();
             ResultSet rs = statement.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                byte[] data = rs.getBytes("data");
                String gtrid = new String(data, 0, Math.min(rs.getInt("gtrid_length"), data.length), StandardCharsets.UTF_8);
                count += gtrid.startsWith(xidPrefix + ":") ? 1 : 0;
            }
        }
        return count;
    }
}
