package dev.entente.agent.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entente.agent.apps.persistence.EntryWriter;
import dev.entente.agent.apps.persistence.Pools;
import dev.entente.agent.apps.persistence.Stacks;
import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Propagation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A MariaDB user's password rotated while the application runs. A global transaction writes a row to
 * PostgreSQL and one to MariaDB (a HikariCP pool whose user has a password) and commits ({@code "before
 * committed <XID>"}). Then the password is changed on the server, the sessions opened with the old one are
 * ended (as a rotation that revokes the old secret does), and the pool is given the new password
 * ({@code "old password refused: ..."} shows the old one no longer opens connections). A second global
 * transaction writes both and, before it commits, its MariaDB session is ended too, so that phase 2 must
 * open a connection of its own, with the credentials the pool now uses ({@code "after committed <XID>"}).
 * The application keeps running until that row is visible ({@code "after visible in mariadb"}, or
 * {@code "after not visible in mariadb"} after 30 s), then prints {@code done}.
 *
 * <p>With a seventh argument, a file's path, the rotation comes between a transaction's prepare and its
 * settling by recovery instead: the transaction writes both databases and prints {@code "in-doubt written <XID>"},
 * then waits for that file to exist (the test kills the coordinator meanwhile), so that its branches are
 * prepared and its Commit finds no coordinator ({@code "in-doubt ended: ..."}). Then the password rotates as
 * above, the pool opens a connection with the new one ({@code "rotated"}), and the application runs until
 * recovery (scanning every {@code recovery-interval}, once the test restarts the coordinator) has settled the
 * branch on MariaDB ({@code "in-doubt settled in mariadb"}, or {@code "in-doubt still prepared in mariadb
 * after 120 s"}), then prints {@code done}.
 *
 * <p>Arguments: the PostgreSQL JDBC URL; the MariaDB JDBC URL without credentials; a MariaDB URL with
 * administrator credentials; the user; its password before and after the rotation; optionally the file.
 */
public final class RotatedCredentialsApp {

    private static volatile String lastXid = "none";

    @GlobalTransactional
    public String writeBoth(EntryWriter postgres, EntryWriter mariadb, String stack, Runnable beforeCommit) throws Exception {
        lastXid = GlobalTransaction.currentXid().orElse("none");
        postgres.insert(lastXid, stack);
        mariadb.insert(lastXid, stack);
        beforeCommit.run();
        return lastXid;
    }

    /** Like {@link #writeBoth}, with a deadline that outlasts the test's killing and restarting of the coordinator. */
    @GlobalTransactional(timeoutMillis = 60_000)
    public String writeBothSlowly(EntryWriter postgres, EntryWriter mariadb, String stack, Runnable beforeCommit) throws Exception {
        return writeBoth(postgres, mariadb, stack, beforeCommit);
    }

    /** Outside the global transaction: the administrator's connection is not one of its branches. */
    @GlobalTransactional(propagation = Propagation.NOT_SUPPORTED)
    public void endSessions(String adminUrl, String sql, Object parameter) {
        try (Connection admin = DriverManager.getConnection(adminUrl)) {
            List<Long> sessions = new ArrayList<>();
            try (PreparedStatement query = admin.prepareStatement(sql)) {
                query.setObject(1, parameter);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        sessions.add(rows.getLong(1));
                    }
                }
            }
            for (long session : sessions) {
                try (Statement kill = admin.createStatement()) {
                    kill.execute("KILL CONNECTION " + session);
                } catch (SQLException gone) {
                    // it ended meanwhile
                }
            }
            System.out.println("ended " + sessions.size() + " session(s)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not end sessions: " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) throws Exception {
        String postgresUrl = args[0];
        String mariadbUrl = args[1];
        String adminUrl = args[2];
        String user = args[3];
        String oldPassword = args[4];
        String newPassword = args[5];
        RotatedCredentialsApp app = new RotatedCredentialsApp();

        EntryWriter postgres = Stacks.jdbcTemplate(Pools.hikariByUrl(postgresUrl));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(mariadbUrl);
        config.setUsername(user);
        config.setPassword(oldPassword);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        HikariDataSource pool = new HikariDataSource(config);
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(pool));
        AtomicLong session = new AtomicLong();
        EntryWriter mariadb = (id, stack) -> transaction.executeWithoutResult(status -> {
            session.set(jdbc.queryForObject("select connection_id()", Long.class));
            jdbc.update("insert into entry (id, stack) values (?, ?)", id, stack);
        });

        if (args.length > 6) {
            settledByRecovery(app, postgres, mariadb, Path.of(args[6]), () -> rotate(app, pool, mariadbUrl, adminUrl, user, oldPassword,
                    newPassword), adminUrl);
            System.out.println("done");
            return;
        }
        System.out.println("before committed " + app.writeBoth(postgres, mariadb, "before", () -> { }));

        rotate(app, pool, mariadbUrl, adminUrl, user, oldPassword, newPassword);

        try {
            System.out.println("after committed " + app.writeBoth(postgres, mariadb, "after",
                    () -> app.endSessions(adminUrl, "select ?", session.get())));
        } catch (Exception e) {
            System.out.println("after did not commit " + lastXid + ": " + e);
            e.printStackTrace(System.out);
        }
        long start = System.nanoTime();
        while (!visible(adminUrl, lastXid) && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(200);
        }
        System.out.println(visible(adminUrl, lastXid) ? "after visible in mariadb after "
                + (System.nanoTime() - start) / 1_000_000 + " ms" : "after not visible in mariadb after 30 s");
        System.out.println("done");
    }

    /**
     * The password changes on the server, the sessions opened with the old one end, and the pool is given the
     * new one; prints whether the old one still opens a connection.
     */
    private static void rotate(RotatedCredentialsApp app, HikariDataSource pool, String mariadbUrl, String adminUrl, String user,
                               String oldPassword, String newPassword) {
        try (Connection admin = DriverManager.getConnection(adminUrl); Statement statement = admin.createStatement()) {
            statement.execute("ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + newPassword + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("could not change the password: " + e.getMessage(), e);
        }
        app.endSessions(adminUrl, "select id from information_schema.processlist where user = ?", user);
        pool.getHikariConfigMXBean().setPassword(newPassword);
        pool.getHikariPoolMXBean().softEvictConnections();
        try (Connection stale = DriverManager.getConnection(mariadbUrl, user, oldPassword)) {
            System.out.println("old password still accepted");
        } catch (SQLException e) {
            System.out.println("old password refused: " + e.getMessage());
        }
    }

    /** The scenario of the seventh argument: see the class comment. */
    private static void settledByRecovery(RotatedCredentialsApp app, EntryWriter postgres, EntryWriter mariadb, Path coordinatorKilled,
                                          Runnable rotation, String adminUrl) throws Exception {
        try {
            app.writeBothSlowly(postgres, mariadb, "in-doubt", () -> {
                System.out.println("in-doubt written " + lastXid);
                awaitFile(coordinatorKilled);
            });
            System.out.println("in-doubt ended: committed");
        } catch (Exception e) {
            System.out.println("in-doubt ended: " + e);
        }
        rotation.run();
        System.out.println("rotated");
        long start = System.nanoTime();
        while (prepared(adminUrl, lastXid) && System.nanoTime() - start < 120_000_000_000L) {
            Thread.sleep(200);
        }
        System.out.println(prepared(adminUrl, lastXid) ? "in-doubt still prepared in mariadb after 120 s" : "in-doubt settled in mariadb");
    }

    private static void awaitFile(Path file) {
        try {
            while (!Files.exists(file)) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether a branch of global transaction {@code xid} is prepared on the MariaDB server (XA RECOVER shows its global part). */
    private static boolean prepared(String adminUrl, String xid) throws SQLException {
        try (Connection admin = DriverManager.getConnection(adminUrl); Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("XA RECOVER")) {
            while (rows.next()) {
                if (rows.getString("data").startsWith(xid)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static boolean visible(String adminUrl, String id) throws SQLException {
        try (Connection admin = DriverManager.getConnection(adminUrl);
             PreparedStatement query = admin.prepareStatement("select count(*) from entry where id = ?")) {
            query.setString(1, id);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1) == 1;
            }
        }
    }
}
