package dev.entente.agent.apps.persistence;

import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The query stacks users write their persistence with, each over a {@link DataSource} and committing its
 * own local transaction: Spring's JdbcTemplate with DataSourceTransactionManager, Spring Data JPA on
 * Hibernate with JpaTransactionManager, MyBatis with its JDBC transactions, jOOQ's transactions.
 */
public final class Stacks {

    private Stacks() {
    }

    /** The stack named {@code name} over {@code dataSource}, a database of {@code vendor} ("postgresql", "mariadb"). */
    public static EntryWriter of(String name, DataSource dataSource, String vendor) {
        return switch (name) {
            case "jdbc-template" -> jdbcTemplate(dataSource);
            case "jpa" -> springDataJpa(dataSource, vendor);
            case "mybatis" -> myBatis(dataSource, vendor);
            case "jooq" -> jooq(dataSource, vendor);
            default -> throw new IllegalArgumentException("unknown stack '" + name + "' (jdbc-template, jpa, mybatis, jooq)");
        };
    }

    public static EntryWriter jdbcTemplate(DataSource dataSource) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        return (id, stack) -> transaction.executeWithoutResult(
                status -> jdbc.update("insert into entry (id, stack) values (?, ?)", id, stack));
    }

    static EntryWriter springDataJpa(DataSource dataSource, String vendor) {
        LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
        factory.setPersistenceUnitName("entries-" + vendor);
        factory.setDataSource(dataSource);
        factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
        factory.setManagedTypes(PersistenceManagedTypes.of(Entry.class.getName()));
        factory.setJpaPropertyMap(Map.of("hibernate.hbm2ddl.auto", "none"));
        factory.afterPropertiesSet();
        EntityManagerFactory entityManagers = factory.getObject();
        EntryRepository repository = new JpaRepositoryFactory(SharedEntityManagerCreator.createSharedEntityManager(entityManagers))
                .getRepository(EntryRepository.class);
        TransactionTemplate transaction = new TransactionTemplate(new JpaTransactionManager(entityManagers));
        return (id, stack) -> transaction.executeWithoutResult(status -> repository.save(new Entry(id, stack)));
    }

    static EntryWriter myBatis(DataSource dataSource, String vendor) {
        Configuration configuration = new Configuration(new Environment(vendor, new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(EntryMapper.class);
        SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
        return (id, stack) -> {
            try (SqlSession session = sessions.openSession()) {
                session.getMapper(EntryMapper.class).insert(id, stack);
                session.commit();
            }
        };
    }

    static EntryWriter jooq(DataSource dataSource, String vendor) {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        DSLContext database = DSL.using(dataSource, vendor.equals("postgresql") ? SQLDialect.POSTGRES : SQLDialect.MARIADB);
        return (id, stack) -> database.transaction(configuration -> {
            DSLContext transaction = DSL.using(configuration);
            transaction.insertInto(DSL.table("entry"), DSL.field("id"), DSL.field("stack")).values(id, stack).execute();
            // jOOQ wraps the connection anew for each statement: the second one still works in the same branch
            if (transaction.fetchCount(DSL.table("entry"), DSL.field("id").eq(id)) != 1) {
                throw new IllegalStateException("jOOQ's second statement does not see the first one's row " + id);
            }
        });
    }
}
