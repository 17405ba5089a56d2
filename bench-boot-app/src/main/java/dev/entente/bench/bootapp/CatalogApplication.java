package dev.entente.bench.bootapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/**
 * A small catalogue service as a new user would write it: Spring Boot web + JPA (Hibernate, HikariCP)
 * on PostgreSQL, three entities, their repositories and one controller. It knows nothing of Entente.
 * Row 4 of the benchmarks times its start (Spring's "Started CatalogApplication in" line) with no agent,
 * with Entente's and with the OpenTelemetry agent.
 *
 * <p>Run: {@code CatalogApplication --server.port=P --spring.datasource.url=JDBC_URL}.
 */
@SpringBootApplication
@EnableJpaRepositories(considerNestedRepositories = true) // the repositories are nested in Repositories
public class CatalogApplication {

    public static void main(String[] args) {
        SpringApplication.run(CatalogApplication.class, args);
    }
}
