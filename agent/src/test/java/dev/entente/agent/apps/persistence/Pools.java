package dev.entente.agent.apps.persistence;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The connection pools users configure, each the way its documentation shows: HikariCP by JDBC URL and by
 * {@code dataSourceClassName} (the driver's own DataSource), Commons DBCP2's BasicDataSource, c3p0's
 * ComboPooledDataSource, and Spring's DriverManagerDataSource (no pool: a new connection each time).
 */
public final class Pools {

    private Pools() {
    }

    /** The pool named {@code name} to {@code url}, a database of {@code vendor} ("postgresql", "mariadb"). */
    public static DataSource of(String name, String url, String vendor) {
        return switch (name) {
            case "hikari-url" -> hikariByUrl(url);
            case "hikari-datasource-class" -> hikariByDataSourceClass(url, vendor);
            case "dbcp2" -> dbcp2(url);
            case "c3p0" -> c3p0(url);
            case "driver-manager" -> new DriverManagerDataSource(url);
            default -> throw new IllegalArgumentException("unknown pool '" + name
                    + "' (hikari-url, hikari-datasource-class, dbcp2, c3p0, driver-manager)");
        };
    }

    public static HikariDataSource hikariByUrl(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    static HikariDataSource hikariByDataSourceClass(String url, String vendor) {
        HikariConfig config = new HikariConfig();
        config.setDataSourceClassName(vendor.equals("postgresql") ? "org.postgresql.ds.PGSimpleDataSource"
                : "org.mariadb.jdbc.MariaDbDataSource");
        config.addDataSourceProperty("url", url);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    static BasicDataSource dbcp2(String url) {
        BasicDataSource pool = new BasicDataSource();
        pool.setUrl(url);
        pool.setMaxTotal(4);
        return pool;
    }

    static ComboPooledDataSource c3p0(String url) {
        ComboPooledDataSource pool = new ComboPooledDataSource();
        pool.setJdbcUrl(url);
        pool.setInitialPoolSize(1);
        pool.setMinPoolSize(1);
        pool.setMaxPoolSize(4);
        return pool;
    }
}
