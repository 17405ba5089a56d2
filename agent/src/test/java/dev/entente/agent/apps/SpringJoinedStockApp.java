package dev.entente.agent.apps;

import java.sql.Connection;
import java.sql.DriverManager;
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
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * A Spring service that joins global transactions over HTTP (the JDK's server) and runs a local transaction on
 * MariaDB in each request, whose after-commit callbacks ({@link SpringCallbacks}) print a line {@code N CALLBACK
 * mariadb=BOOL thread=callbacks|request}: whether row N is committed in MariaDB (read outside any global
 * transaction), and whether the callback runs on Entente's callbacks thread or the request's. Routes: {@code
 * /take?id=N[&fail=true]} inserts row N (and then fails, if asked: a local rollback); {@code /announce?id=N} only
 * announces, in a local transaction of a transaction manager that is not JDBC's (as JMS's or Kafka's would be), so
 * with no branch in this service. Arguments: port, the MariaDB URL.
 */
public class SpringJoinedStockApp {

    static String mariadb;

    public static void main(String[] args) throws Exception {
        mariadb = args[1];
        try (Connection connection = DriverManager.getConnection(mariadb); Statement statement = connection.createStatement()) {
            statement.executeUpdate("create table stock (id int primary key)");
        }
        SpringCallbacks.observer = SpringJoinedStockApp::observed;
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class);
        Stock stock = context.getBean(Stock.class);
        HttpApp app = HttpApp.create("jdk", Integer.parseInt(args[0]));
        app.route("/take", q -> stock.take(Integer.parseInt(q.get("id")), Boolean.parseBoolean(q.getOrDefault("fail", "false"))));
        app.route("/announce", q -> stock.announce(Integer.parseInt(q.get("id"))));
        app.start();
    }

    static void observed(int id, String callback) {
        System.out.println(id + " " + callback + " mariadb=" + SpringAfterCommitApp.Probe.committed(mariadb, "stock", id)
                + " thread=" + (Thread.currentThread().getName().equals("entente-spring-callbacks") ? "callbacks" : "request"));
        System.out.flush();
    }

    public static class Stock {
        JdbcTemplate jdbc;
        ApplicationEventPublisher events;

        @Transactional("stockTransactions")
        public String take(int id, boolean fail) {
            jdbc.update("insert into stock values (?)", id);
            SpringCallbacks.registerFor(id, events);
            if (fail) {
                throw new IllegalStateException("the stock service fails after its insert (as asked)");
            }
            return "took " + id;
        }

        @Transactional("announcements")
        public String announce(int id) {
            SpringCallbacks.registerFor(id, events);
            return "announced " + id;
        }
    }

    /** A transaction manager with nothing to commit: Spring's synchronizations are all it has. */
    static final class WithoutResources extends AbstractPlatformTransactionManager {
        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }

    @Configuration
    @EnableTransactionManagement(proxyTargetClass = true)
    static class Config {
        @Bean
        DataSource stockData() {
            return ShopDatabase.hikari(mariadb);
        }

        @Bean
        PlatformTransactionManager stockTransactions() {
            return new DataSourceTransactionManager(stockData());
        }

        @Bean
        PlatformTransactionManager announcements() {
            return new WithoutResources();
        }

        @Bean
        Stock stock(ApplicationEventPublisher events) {
            Stock stock = new Stock();
            stock.jdbc = new JdbcTemplate(stockData());
            stock.events = events;
            return stock;
        }

        @Bean
        SpringCallbacks.Listeners listeners() {
            return new SpringCallbacks.Listeners();
        }
    }
}
