package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the agent's configuration turned on, as an application sees it. One line: {@code "agent
 * installed: yes|no | transaction: yes|no | executor task: in it|outside | task's row: kept|gone"}: whether
 * Entente's hook classes are in the boot loader, whether a {@code @GlobalTransactional} method runs in a
 * transaction, whether a task it hands to a thread pool runs in it, and whether that task's row in
 * PostgreSQL survives the method's failure. Arguments: the PostgreSQL JDBC URL.
 */
public final class ConfiguredApp {

    private final String url;
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private String transaction = "no";
    private String task = "outside";

    private ConfiguredApp(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        ConfiguredApp app = new ConfiguredApp(args[0]);
        app.execute("drop table if exists configured");
        app.execute("create table configured (id int primary key)");
        try {
            app.handOffThenFail();
        } catch (IllegalStateException expected) {
            // the method fails on purpose: inside a transaction the task's row rolls back with it
        }
        app.pool.shutdown();
        System.out.println("agent installed: " + (agentInstalled() ? "yes" : "no") + " | transaction: " + app.transaction
                + " | executor task: " + app.task + " | task's row: " + app.taskRow());
        System.out.println("done");
    }

    @GlobalTransactional(timeoutMillis = 20_000)
    public void handOffThenFail() throws Exception {
        transaction = GlobalTransaction.currentXid().isPresent() ? "yes" : "no";
        pool.submit(() -> {
            task = GlobalTransaction.currentXid().isPresent() ? "in it" : "outside";
            execute("insert into configured values (1)");
            return null;
        }).get();
        throw new IllegalStateException("the method fails after its task ran");
    }

    private static boolean agentInstalled() {
        try {
            Class.forName("dev.entente.bootstrap.Hooks", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private String taskRow() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from configured")) {
            rows.next();
            return rows.getInt(1) == 1 ? "kept" : "gone";
        }
    }
}
