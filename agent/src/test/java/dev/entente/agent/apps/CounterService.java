package dev.entente.agent.apps;

import com.zaxxer.hikari.HikariDataSource;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Locked;
import dev.entente.api.Locks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The service of the {@code @Locked} tests: read-modify-write of counters with no database-level
 * locking, guarded only by {@code @Locked}, with and without a global transaction. Knows nothing of
 * Entente beyond the api. Arguments: port, then the PostgreSQL and MariaDB JDBC URLs or "-" for none.
 * Tables: {@code counters(name, value)} in both databases, {@code writes(name, token)} in PostgreSQL.
 */
public final class CounterService {

    private final HikariDataSource postgres;
    private final HikariDataSource mariadb;

    CounterService(HikariDataSource postgres, HikariDataSource mariadb) {
        this.postgres = postgres;
        this.mariadb = mariadb;
    }

    /** Test 1: read, then write read + 1, outside any global transaction; only the lock keeps updates from being lost. */
    @Locked(key = "counter:{0}")
    public void increment(String name) throws SQLException {
        try (Connection connection = postgres.getConnection()) {
            long value = read(connection, name);
            update(connection, "update counters set value = ? where name = ?", value + 1, name);
        }
    }

    /**
     * Test 2: the same read-modify-write on both databases inside a global transaction; reports how many
     * prepared branches of this database it found when it entered (0 if the previous holder's phase 2
     * was over). The transaction begins first, then the lock is taken inside it.
     */
    @GlobalTransactional(timeoutMillis = 30_000)
    @Locked(key = "counter:{0}")
    public String incrementEverywhere(String name) throws SQLException {
        long prepared;
        try (Connection connection = postgres.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(
                    "select count(*) from pg_prepared_xacts where database = current_database()");
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                prepared = rows.getLong(1);
            }
            update(connection, "update counters set value = ? where name = ?", read(connection, name) + 1, name);
            connection.commit();
        }
        try (Connection connection = mariadb.getConnection()) {
            connection.setAutoCommit(false);
            update(connection, "update counters set value = ? where name = ?", read(connection, name) + 1, name);
            connection.commit();
        }
        return "prepared at entry " + prepared;
    }

    /** Test 6: a global transaction with no lock, which must work while ZooKeeper is unreachable. */
    @GlobalTransactional(timeoutMillis = 30_000)
    public String incrementUnlocked(String name) throws SQLException {
        try (Connection connection = postgres.getConnection()) {
            connection.setAutoCommit(false);
            long value = read(connection, name) + 1;
            update(connection, "update counters set value = ? where name = ?", value, name);
            connection.commit();
            return "now " + value;
        }
    }

    /** Tests 3 and 5: holds the lock on {@code key} for {@code sleepMillis}; returns its fencing token. */
    @Locked(key = "{0}")
    public long hold(String key, long sleepMillis) throws InterruptedException {
        Thread.sleep(sleepMillis);
        return Locks.fencingToken(key);
    }

    /** Test 5: waits at most half a second for the lock. */
    @Locked(key = "{0}", waitMillis = 500)
    public long holdIfFree(String key) {
        return Locks.fencingToken(key);
    }

    /** Test 4: inside a global transaction, holds the lock, sleeps, then records its token in PostgreSQL. */
    @GlobalTransactional(timeoutMillis = 30_000)
    @Locked(key = "{0}")
    public long writeWithToken(String key, long sleepMillis) throws Exception {
        long token = Locks.fencingToken(key);
        System.out.println("holding " + key + " with token " + token);
        Thread.sleep(sleepMillis);
        try (Connection connection = postgres.getConnection()) {
            connection.setAutoCommit(false);
            update(connection, "insert into writes(name, token) values (?, ?)", key, token);
            connection.commit();
        }
        return token;
    }

    private static long read(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select value from counters where name = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("no counter " + name);
                }
                return rows.getLong(1);
            }
        }
    }

    private static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    public static void main(String[] args) throws Exception {
        CounterService service = new CounterService(pool(args[1]), pool(args[2]));
        HttpApp app = HttpApp.create("jdk", Integer.parseInt(args[0]));
        app.route("/increment", q -> {
            int times = Integer.parseInt(q.get("times"));
            for (int i = 0; i < times; i++) {
                service.increment(q.get("name"));
            }
            return "incremented " + times + " times";
        });
        app.route("/increment-unlocked", q -> service.incrementUnlocked(q.get("name")));
        app.route("/increment-everywhere", q -> service.incrementEverywhere(q.get("name")));
        app.route("/hold", q -> "token " + service.hold(q.get("key"), Long.parseLong(q.getOrDefault("sleep", "0"))));
        app.route("/hold-if-free", q -> "token " + service.holdIfFree(q.get("key")));
        app.route("/write-with-token", q -> "token " + service.writeWithToken(q.get("key"), Long.parseLong(q.get("sleep"))));
        app.start();
    }

    private static HikariDataSource pool(String url) {
        return url.equals("-") ? null : ShopDatabase.hikari(url);
    }
}
