package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
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
 * {@code @GlobalTransactional} and Spring's {@code @Transactional} on the same method of a bean that
 * Spring proxies by subclassing it (as Spring Boot does), writing to PostgreSQL through a
 * {@link DataSourceTransactionManager}: one call that commits and one that throws, each printing its XID
 * ({@code "committed XID"}, {@code "rolled back XID: exception"}), then the account's balance and {@code done}. Argument:
 * the database's JDBC URL (its table {@code account} is made here).
 */
public class SpringBothAnnotationsApp {

    private JdbcTemplate jdbc;
    /** Static: the bean is reached through Spring's subclass proxy, whose own fields are not the bean's. */
    private static volatile String lastXid = "";

    @GlobalTransactional
    @Transactional
    public String credit(int id, boolean fail) {
        lastXid = GlobalTransaction.currentXid().orElse("none");
        jdbc.update("update account set balance = balance + 1 where id = ?", id);
        if (fail) {
            throw new IllegalStateException("failed after its update (as asked)");
        }
        return lastXid;
    }

    public static void main(String[] args) {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.registerBean("url", String.class, () -> args[0]);
            context.register(Config.class);
            context.refresh();
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
            jdbc.execute("drop table if exists account");
            jdbc.execute("create table account (id int primary key, balance int not null)");
            jdbc.update("insert into account values (1, 0)");
            SpringBothAnnotationsApp accounts = context.getBean(SpringBothAnnotationsApp.class);
            System.out.println("committed " + accounts.credit(1, false));
            try {
                accounts.credit(1, true);
                System.out.println("not rolled back " + lastXid);
            } catch (RuntimeException e) {
                System.out.println("rolled back " + lastXid + ": " + e);
            }
            System.out.println("balance " + jdbc.queryForObject("select balance from account where id = 1", Integer.class));
        }
        System.out.println("done");
    }

    @Configuration
    @EnableTransactionManagement(proxyTargetClass = true)
    static class Config {
        @Bean
        DataSource dataSource(String url) {
            return ShopDatabase.hikari(url);
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        SpringBothAnnotationsApp accounts(DataSource dataSource) {
            SpringBothAnnotationsApp accounts = new SpringBothAnnotationsApp();
            accounts.jdbc = new JdbcTemplate(dataSource);
            return accounts;
        }
    }
}
