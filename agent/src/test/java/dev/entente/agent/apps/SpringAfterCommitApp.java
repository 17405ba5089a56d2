package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Propagation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spring's after-commit callbacks in a global transaction over PostgreSQL and MariaDB: a local transaction on
 * PostgreSQL ({@code Ledger.record}, {@code @Transactional} with its own {@link DataSourceTransactionManager})
 * registers a synchronization and publishes an event that an {@code AFTER_COMMIT} and an {@code AFTER_ROLLBACK}
 * listener take ({@link SpringCallbacks}); a second local transaction writes MariaDB.
 * Each callback prints a line {@code N CALLBACK pg=BOOL mariadb=BOOL xid=XID|none thread=NAME}: whether row N is
 * committed in each database (read outside any global transaction), and the global transaction bound then.
 * The calls (printed {@code call N ...}, then {@code returned N} or {@code threw N: EXCEPTION}):
 * <ol>
 *   <li>commit: {@code @GlobalTransactional} around both local transactions;</li>
 *   <li>the {@code @GlobalTransactional} method throws after both local transactions committed;</li>
 *   <li>the MariaDB local transaction throws, the caller catches it: the global transaction rolls back;</li>
 *   <li>{@code @GlobalTransactional} and {@code @Transactional} on one method, commit;</li>
 *   <li>the PostgreSQL local transaction alone, no global transaction.</li>
 * </ol>
 * Arguments: the PostgreSQL URL, the MariaDB URL.
 */
public class SpringAfterCommitApp {

    static String postgres;
    static String mariadb;

    public static void main(String[] args) throws Exception {
        postgres = args[0];
        mariadb = args[1];
        createTable(postgres, "ledger");
        createTable(mariadb, "stock");
        SpringCallbacks.observer = SpringAfterCommitApp::observed;
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class)) {
            Transfers transfers = context.getBean(Transfers.class);
            call(1, "commit", () -> transfers.transfer(1, ""));
            call(2, "the global method fails after the local commits", () -> transfers.transfer(2, "after"));
            call(3, "the other branch fails", () -> transfers.transfer(3, "stock"));
            call(4, "both annotations on one method", () -> transfers.transferInOneLocalTransaction(4));
            call(5, "no global transaction", () -> context.getBean(Ledger.class).record(5));
        }
        System.out.println("done");
    }

    private static void call(int id, String what, Runnable call) {
        System.out.println("call " + id + " " + what);
        try {
            call.run();
            System.out.println("returned " + id);
        } catch (RuntimeException e) {
            System.out.println("threw " + id + ": " + e.getClass().getName());
        }
    }

    /** What a callback of row {@code id} sees: which databases hold the row committed, and the global transaction. */
    static void observed(int id, String callback) {
        System.out.println(id + " " + callback + " pg=" + Probe.committed(postgres, "ledger", id) + " mariadb="
                + Probe.committed(mariadb, "stock", id) + " xid=" + GlobalTransaction.currentXid().map(xid -> "bound").orElse("none")
                + " thread=" + Thread.currentThread().getName());
    }

    private static void createTable(String url, String table) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("create table " + table + " (id int primary key)");
        }
    }

    /** Reads outside any global transaction, as another client of the databases would. */
    public static final class Probe {
        @GlobalTransactional(propagation = Propagation.NOT_SUPPORTED)
        static boolean committed(String url, String table, int id) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select count(*) from " + table + " where id = " + id)) {
                rows.next();
                return rows.getInt(1) == 1;
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read " + table + " at " + url, e);
            }
        }
    }

    public static class Transfers {
        Ledger ledger;
        Stock stock;

        @GlobalTransactional
        public void transfer(int id, String failure) {
            ledger.record(id);
            try {
                stock.take(id, failure.equals("stock"));
            } catch (IllegalStateException caught) {
                System.out.println("caught " + id + ": " + caught.getMessage());
            }
            if (failure.equals("after")) {
                throw new IllegalStateException("fails after both local commits (as asked)");
            }
        }

        @GlobalTransactional
        @Transactional("ledgerTransactions")
        public void transferInOneLocalTransaction(int id) {
            ledger.record(id);
            stock.take(id, false);
        }
    }

    public static class Ledger {
        JdbcTemplate jdbc;
        ApplicationEventPublisher events;

        @Transactional("ledgerTransactions")
        public void record(int id) {
            jdbc.update("insert into ledger values (?)", id);
            SpringCallbacks.registerFor(id, events);
        }
    }

    public static class Stock {
        JdbcTemplate jdbc;

        @Transactional("stockTransactions")
        public void take(int id, boolean fail) {
            jdbc.update("insert into stock values (?)", id);
            if (fail) {
                throw new IllegalStateException("stock fails after its insert (as asked)");
            }
        }
    }

    @Configuration
    @EnableTransactionManagement(proxyTargetClass = true)
    static class Config {
        @Bean
        DataSource ledgerData() {
            return ShopDatabase.hikari(postgres);
        }

        @Bean
        DataSource stockData() {
            return ShopDatabase.hikari(mariadb);
        }

        @Bean
        PlatformTransactionManager ledgerTransactions() {
            return new DataSourceTransactionManager(ledgerData());
        }

        @Bean
        PlatformTransactionManager stockTransactions() {
            return new DataSourceTransactionManager(stockData());
        }

        @Bean
        Ledger ledger(ApplicationEventPublisher events) {
            Ledger ledger = new Ledger();
            ledger.jdbc = new JdbcTemplate(ledgerData());
            ledger.events = events;
            return ledger;
        }

        @Bean
        Stock stock() {
            Stock stock = new Stock();
            stock.jdbc = new JdbcTemplate(stockData());
            return stock;
        }

        @Bean
        Transfers transfers(Ledger ledger, Stock stock) {
            Transfers transfers = new Transfers();
            transfers.ledger = ledger;
            transfers.stock = stock;
            return transfers;
        }

        @Bean
        SpringCallbacks.Listeners listeners() {
            return new SpringCallbacks.Listeners();
        }
    }
}
