package dev.entente.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** {@link EntenteHealth} for Spring Boot 4's health API ({@code org.springframework.boot.health.contributor}). */
final class Boot4HealthIndicator implements HealthIndicator {

    @Override
    public Health health() {
        EntenteHealth health = EntenteHealth.now();
        return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
    }
}
