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
                        new SupportedLibrary("HikariCP", "6.x", "6.3.3", "com.zaxxer:HikariCP"),
                        new SupportedLibrary("Spring JDBC (`@Transactional` with `DataSourceTransactionManager`)", "6.x",
                                "6.2.19", "org.springframework:spring-jdbc"),
                        SupportedLibrary.jdk("`java.sql.DriverManager`")));
    }
}
