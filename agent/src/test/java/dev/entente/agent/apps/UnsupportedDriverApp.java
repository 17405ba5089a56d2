package dev.entente.agent.apps;

import com.zaxxer.hikari.HikariDataSource;
import dev.entente.api.GlobalTransactional;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Global transactions that write to PostgreSQL (an XA branch) and to H2, a driver Entente cannot
 * enlist: through DriverManager, through HikariCP, and once catching the H2 failure and returning
 * normally; each outcome printed, then the rows of both databases. Arguments: the PostgreSQL URL, the
 * H2 URL. Run with and without the agent setting {@code excluded-resources} naming H2.
 */
public final class UnsupportedDriverApp {

    private static final String TABLE = "unsupported_driver";

    private interface Source {
        Connection open() throws SQLException;
    }

    private interface Work {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String postgres = args[0];
        String h2 = args[1];
        UnsupportedDriverApp app = new UnsupportedDriverApp();
        reset(postgres);
        reset(h2);
        outcome("drivermanager", () -> app.writeBoth(postgres, () -> DriverManager.getConnection(h2), 1));
        try (HikariDataSource pool = ShopDatabase.hikari(h2)) {
            outcome("hikari", () -> app.writeBoth(postgres, pool::getConnection, 2));
        }
        outcome("caught", () -> app.writeBothCatchingTheFailure(postgres, h2, 3));
        System.out.println("rows: postgresql " + rows(postgres) + ", h2 " + rows(h2));
        System.out.println("done");
    }

    @GlobalTransactional
    public void writeBoth(String postgres, Source h2, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres)) {
            insert(connection, id);
        }
        try (Connection connection = h2.open()) {
            insert(connection, id);
        }
    }

    /** As an application that treats its audit write as optional would. */
    @GlobalTransactional
    public void writeBothCatchingTheFailure(String postgres, String h2, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres)) {
            insert(connection, id);
        }
        try (Connection connection = DriverManager.getConnection(h2)) {
            insert(connection, id);
        } catch (SQLException e) {
            System.out.println("caught: the H2 write failed with " + e.getClass().getName() + ", going on");
        }
    }

    private static void outcome(String name, Work work) {
        try {
            work.run();
            System.out.println(name + ": committed");
        } catch (Exception e) {
            System.out.println(name + " failed: " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static void reset(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("drop table if exists " + TABLE);
            statement.executeUpdate("create table " + TABLE + " (id int primary key)");
        }
    }

    private static void insert(Connection connection, int id) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into " + TABLE + " values (" + id + ")");
        }
    }

    private static List<Integer> rows(String url) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select id from " + TABLE + " order by id")) {
            while (result.next()) {
                ids.add(result.getInt(1));
            }
        }
        return ids;
    }
}
