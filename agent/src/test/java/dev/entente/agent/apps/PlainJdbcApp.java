package dev.entente.agent.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entente.api.GlobalTransactional;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * JDBC work outside any global transaction, printed as a transcript (lines starting {@code "| "}): run
 * with and without the agent, the transcripts must be equal. Then, with {@code --transactional}, one
 * {@code @GlobalTransactional} method writing to H2, its result or exception printed (for a coordinator
 * that cannot be reached: the method must fail before it runs). Arguments: table name, then
 * {@code name=jdbcUrl} per database, then the flag.
 */
public final class PlainJdbcApp {

    private final String table;

    private PlainJdbcApp(String table) {
        this.table = table;
    }

    public static void main(String[] args) throws Exception {
        PlainJdbcApp app = new PlainJdbcApp(args[0]);
        boolean transactional = false;
        for (String arg : List.of(args).subList(1, args.length)) {
            if (arg.equals("--transactional")) {
                transactional = true;
                continue;
            }
            if (arg.startsWith("--reuse=")) {
                app.reuseAcrossATransaction(arg.substring("--reuse=".length()));
                continue;
            }
            if (arg.startsWith("--until-committed=")) {
                app.retryUntilCommitted(arg.substring("--until-committed=".length()));
                continue;
            }
            if (arg.startsWith("--early=")) {
                app.pooledConnectionObtainedBeforeATransaction(arg.substring("--early=".length()));
                continue;
            }
            if (arg.startsWith("--outlive=")) {
                app.pooledConnectionAfterATimeout(arg.substring("--outlive=".length()));
                continue;
            }
            String[] database = arg.split("=", 2);
            app.transcript(database[0] + " drivermanager", () -> DriverManager.getConnection(database[1]), database[1]);
            try (var pool = ShopDatabase.hikari(database[1])) {
                app.transcript(database[0] + " hikari", pool::getConnection, database[1]);
            }
        }
        if (transactional) {
            String h2 = "jdbc:h2:mem:plain;DB_CLOSE_DELAY=-1";
            app.reset(h2);
            for (int attempt = 1; attempt <= 2; attempt++) {
                long start = System.nanoTime();
                try {
                    System.out.println("transactional: " + app.insertInGlobalTransaction(h2, 100 + attempt));
                } catch (Exception e) {
                    System.out.println("transactional failed: " + e.getClass().getName() + ": " + e.getMessage());
                }
                System.out.println("transactional attempt " + attempt + " took ms " + (System.nanoTime() - start) / 1_000_000);
            }
        }
        System.out.println("done");
    }

    /** How long {@code --transactional}'s attempt {@code attempt} (1 or 2) took, read from the app's {@code output}. */
    public static long attemptMillis(String output, int attempt) {
        String prefix = "transactional attempt " + attempt + " took ms ";
        return output.lines().filter(line -> line.startsWith(prefix))
                .mapToLong(line -> Long.parseLong(line.substring(prefix.length()))).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in " + output));
    }

    @GlobalTransactional
    public String insertInGlobalTransaction(String url, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url)) {
            update(connection, "insert into " + table + " values (" + id + ")");
        }
        return "rows " + rows(url);
    }

    /**
     * The same global transaction (on {@code url}) tried every 200 ms until it commits, for at most 3 minutes:
     * for a coordinator started after the application; prints the first failure and the attempt that committed.
     */
    private void retryUntilCommitted(String url) throws Exception {
        reset(url);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            try {
                insertInGlobalTransaction(url, attempt);
                System.out.println("until-committed: attempt " + attempt + " committed; rows after it " + rows(url));
                return;
            } catch (Exception e) {
                if (attempt == 1) {
                    System.out.println("until-committed: attempt 1 failed: " + e.getMessage());
                }
            }
            Thread.sleep(200);
        }
        System.out.println("until-committed: nothing committed within 3 minutes");
    }

    /**
     * A connection opened before a global transaction, used inside it for two local transactions, and
     * after it: the work inside rolls back with the transaction; the work after is the application's own.
     */
    private void reuseAcrossATransaction(String url) throws SQLException {
        reset(url);
        try (Connection connection = DriverManager.getConnection(url)) {
            try {
                twoCommitsThenFail(connection);
            } catch (IllegalStateException | SQLException e) {
                System.out.println("reuse failed with " + e);
                System.out.println("reuse: inside the failed transaction, rows " + rows(url));
            }
            update(connection, "insert into " + table + " values (203)");
            System.out.println("reuse: after it, rows " + rows(url) + ", autocommit " + connection.getAutoCommit());
        }
    }

    /**
     * A pool of one connection: a global transaction works on it and outlives its timeout (the
     * coordinator rolls it back meanwhile), then the same connection serves an autocommit insert,
     * which must be the application's own and visible.
     */
    private void pooledConnectionAfterATimeout(String url) throws SQLException {
        reset(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try {
                insertAndOutliveTheTimeout(pool, 301);
                System.out.println("outlive: the transaction that outlived its timeout committed");
            } catch (Exception e) {
                System.out.println("outlive failed with " + e);
            }
            try (Connection connection = pool.getConnection()) {
                update(connection, "insert into " + table + " values (302)");
            } catch (SQLException e) {
                System.out.println("outlive: the next insert failed with " + e);
            }
            System.out.println("outlive: after it, rows " + rows(url));
        }
    }

    /**
     * A pool of one connection: the connection is borrowed before a global transaction, joins it by
     * creating a statement inside, and goes back to the pool inside it; another thread then borrows it
     * for an autocommit insert, which must be that thread's own (it stays when the transaction rolls back)
     * or, where the database keeps the connection bound to its prepared branch, must wait for it.
     */
    private void pooledConnectionObtainedBeforeATransaction(String url) throws Exception {
        reset(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(2_000);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try {
                insertReturnThenLendAndFail(pool.getConnection(), pool);
            } catch (IllegalStateException e) {
                System.out.println("early failed with " + e.getMessage());
            }
            System.out.println("early: after it, rows " + rows(url));
        }
    }

    @GlobalTransactional
    public void insertReturnThenLendAndFail(Connection early, DataSource pool) throws Exception {
        try (Connection connection = early) {
            update(connection, "insert into " + table + " values (401)");
        }
        Thread other = new Thread(() -> {
            try (Connection connection = pool.getConnection()) {
                update(connection, "insert into " + table + " values (402)");
            } catch (SQLException e) {
                System.out.println("early: the other thread's insert failed with " + e.getClass().getSimpleName());
            }
        });
        other.start();
        other.join();
        throw new IllegalStateException("fails after lending the connection (as asked)");
    }

    @GlobalTransactional(timeoutMillis = 1_000)
    public void insertAndOutliveTheTimeout(DataSource pool, int id) throws SQLException, InterruptedException {
        try (Connection connection = pool.getConnection()) {
            update(connection, "insert into " + table + " values (" + id + ")");
            Thread.sleep(5_000); // the coordinator times the transaction out meanwhile and tells this service's RM
        }
    }

    @GlobalTransactional(rollbackFor = SQLException.class)
    public void twoCommitsThenFail(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        update(connection, "insert into " + table + " values (201)");
        connection.commit();
        update(connection, "insert into " + table + " values (202)");
        connection.commit();
        connection.setAutoCommit(true);
        throw new IllegalStateException("fails after two local commits (as asked)");
    }

    private interface Source {
        Connection open() throws SQLException;
    }

    private void transcript(String name, Source source, String url) throws SQLException {
        reset(url);
        step(name, "autocommit insert", url, () -> {
            try (Connection c = source.open()) {
                update(c, "insert into " + table + " values (1)");
                return "autocommit " + c.getAutoCommit();
            }
        });
        step(name, "rollback", url, () -> {
            try (Connection c = source.open()) {
                c.setAutoCommit(false);
                update(c, "insert into " + table + " values (2)");
                c.rollback();
                return "ok";
            }
        });
        step(name, "commit", url, () -> {
            try (Connection c = source.open()) {
                c.setAutoCommit(false);
                update(c, "insert into " + table + " values (3)");
                c.commit();
                return "ok";
            }
        });
        step(name, "setAutoCommit(true) commits", url, () -> {
            try (Connection c = source.open()) {
                c.setAutoCommit(false);
                update(c, "insert into " + table + " values (4)");
                c.setAutoCommit(true);
                return "autocommit " + c.getAutoCommit();
            }
        });
        step(name, "close without commit", url, () -> {
            try (Connection c = source.open()) {
                c.setAutoCommit(false);
                update(c, "insert into " + table + " values (5)");
                return "ok";
            }
        });
        step(name, "duplicate key", url, () -> {
            try (Connection c = source.open()) {
                update(c, "insert into " + table + " values (1)");
                return "no error";
            }
        });
        step(name, "error, rollback, go on", url, () -> {
            try (Connection c = source.open()) {
                c.setAutoCommit(false);
                try {
                    update(c, "insert into " + table + " values (3)");
                } catch (SQLException e) {
                    c.rollback();
                }
                update(c, "insert into " + table + " values (6)");
                c.commit();
                c.setAutoCommit(true);
                return "ok";
            }
        });
        step(name, "fresh connection", url, () -> {
            try (Connection c = source.open()) {
                return "autocommit " + c.getAutoCommit() + ", isolation " + c.getTransactionIsolation();
            }
        });
    }

    private interface Step {
        String run() throws SQLException;
    }

    private void step(String name, String step, String url, Step work) throws SQLException {
        String result;
        try {
            result = work.run();
        } catch (SQLException e) {
            result = e.getClass().getName() + " SQLState " + e.getSQLState();
        }
        System.out.println("| " + name + " | " + step + " | " + result + " | rows " + rows(url));
    }

    private void reset(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            update(c, "drop table if exists " + table);
            update(c, "create table " + table + " (id int primary key)");
        }
    }

    private List<Integer> rows(String url) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select id from " + table + " order by id")) {
            while (r.next()) {
                ids.add(r.getInt(1));
            }
        }
        return ids;
    }

    private static void update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
