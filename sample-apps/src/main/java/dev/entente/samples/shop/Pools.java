package dev.entente.samples.shop;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The HikariCP pool each service keeps to its database. */
public final class Pools {

    private Pools() {
    }

    public static HikariDataSource open(String service, String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(service);
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(12);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }
}
