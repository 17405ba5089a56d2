package dev.entente.agent.instrumentation.jdbc;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** JDBC: connections used under a global transaction become its XA branches. */
public final class JdbcModule extends InstrumentationModule {

    public JdbcModule() {
        super("jdbc",
                List.of(new DriverInstrumentation(), new DataSourceInstrumentation(), new ConnectionInstrumentation()),
                List.of(
                        new SupportedLibrary("PostgreSQL JDBC driver (pgjdbc)", "42.x", "42.7.8", "org.postgresql:postgresql"),
                        new SupportedLibrary("MariaDB Connector/J", "3.x", "3.5.6", "org.mariadb.jdbc:mariadb-java-client"),
                        new SupportedLibrary("MySQL Connector/J", "8.x, 9.x", "9.4.0, against MariaDB (runtime tests)", ""),
                        new SupportedLibrary("HikariCP (`jdbcUrl`, or `dataSourceClassName` with the driver's own DataSource)",
                                "6.x", "6.3.3", "com.zaxxer:HikariCP"),
                        SupportedLibrary.inBootApp("boot4", "HikariCP (`jdbcUrl`, Spring Boot 4's pool)", "7.x", "7.0.2", "com.zaxxer:HikariCP"),
                        new SupportedLibrary("Apache Commons DBCP2 (`BasicDataSource`)", "2.x", "2.13.0",
                                "org.apache.commons:commons-dbcp2"),
                        new SupportedLibrary("c3p0 (`ComboPooledDataSource`)", "0.10.x", "0.10.1", "com.mchange:c3p0"),
                        new SupportedLibrary("Spring JDBC (`JdbcTemplate`, `@Transactional` with `DataSourceTransactionManager`, "
                                + "`DriverManagerDataSource`)", "6.x", "6.2.19", "org.springframework:spring-jdbc"),
                        SupportedLibrary.inBootApp("boot4", "Spring JDBC 7 (`JdbcTemplate`, `DataSourceTransactionManager`)", "7.x", "7.0.8",
                                "org.springframework:spring-jdbc"),
                        new SupportedLibrary("Hibernate ORM through JPA (`@Transactional` with Spring's `JpaTransactionManager`)",
                                "6.x", "6.6.33.Final", "org.hibernate.orm:hibernate-core"),
                        new SupportedLibrary("Spring Data JPA", "3.x", "3.5.5", "org.springframework.data:spring-data-jpa"),
                        new SupportedLibrary("MyBatis (its JDBC transactions)", "3.5.x", "3.5.19", "org.mybatis:mybatis"),
                        new SupportedLibrary("jOOQ (`DSLContext.transaction`)", "3.19+", "3.19.39", "org.jooq:jooq"),
                        SupportedLibrary.jdk("`java.sql.DriverManager`")));
    }
}
