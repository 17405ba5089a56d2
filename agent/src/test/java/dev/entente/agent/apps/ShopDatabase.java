package dev.entente.agent.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * How a test service writes to its database, the three ways users do: plain JDBC through HikariCP,
 * plain JDBC through DriverManager, or a Spring {@code @Transactional} bean with
 * {@code DataSourceTransactionManager} over HikariCP.
 */
interface ShopDatabase {

    /** Runs one update in a local transaction; {@code failAfter} throws after the update, before commit. */
    void update(String sql, Object[] parameters, boolean failAfter) throws Exception;

    static ShopDatabase open(String url, String access) {
        return switch (access) {
            case "hikari" -> new Jdbc(hikari(url)::getConnection);
            case "drivermanager" -> new Jdbc(() -> DriverManager.getConnection(url));
            case "spring" -> Spring.open(url);
            default -> throw new IllegalArgumentException("unknown database access '" + access + "' (hikari, drivermanager, spring)");
        };
    }

    static HikariDataSource hikari(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    interface ConnectionSource {
        Connection connect() throws SQLException;
    }

    /** Plain JDBC: setAutoCommit(false), the update, commit. */
    final class Jdbc implements ShopDatabase {
        private final ConnectionSource connections;

        Jdbc(ConnectionSource connections) {
            this.connections = connections;
        }

        @Override
        public void update(String sql, Object[] parameters, boolean failAfter) throws Exception {
            try (Connection connection = connections.connect()) {
                connection.setAutoCommit(false);
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    for (int i = 0; i < parameters.length; i++) {
                        statement.setObject(i + 1, parameters[i]);
                    }
                    statement.executeUpdate();
                }
                if (failAfter) {
                    connection.rollback();
                    throw new IllegalStateException("failed after its update (as asked)");
                }
                connection.commit();
            }
        }
    }

    /** Spring: a {@code @Transactional} bean; DataSourceTransactionManager commits or rolls back. */
    class Spring implements ShopDatabase {
        private JdbcTemplate jdbc;

        static ShopDatabase open(String url) {
            AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
            context.registerBean("url", String.class, () -> url);
            context.register(Config.class);
            context.refresh();
            return context.getBean("database", ShopDatabase.class); // a JDK proxy of the bean, which applies @Transactional
        }

        @Override
        @Transactional
        public void update(String sql, Object[] parameters, boolean failAfter) {
            jdbc.update(sql, parameters);
            if (failAfter) {
                throw new IllegalStateException("failed after its update (as asked)");
            }
        }

        @Configuration
        @EnableTransactionManagement
        static class Config {
            @Bean
            DataSource dataSource(String url) {
                return hikari(url);
            }

            @Bean
            PlatformTransactionManager transactionManager(DataSource dataSource) {
                return new DataSourceTransactionManager(dataSource);
            }

            @Bean
            Spring database(DataSource dataSource) {
                Spring database = new Spring();
                database.jdbc = new JdbcTemplate(dataSource);
                return database;
            }
        }
    }
}
