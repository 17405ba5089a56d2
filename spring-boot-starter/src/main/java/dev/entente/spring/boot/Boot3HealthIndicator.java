package dev.entente.spring.boot;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** {@link EntenteHealth} for Spring Boot 3's Actuator ({@code org.springframework.boot.actuate.health}). */
final class Boot3HealthIndicator implements HealthIndicator {

    @Override
    public Health health() {
        EntenteHealth health = EntenteHealth.now();
        return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
    }
}
