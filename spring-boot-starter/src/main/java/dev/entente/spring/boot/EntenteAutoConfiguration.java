package dev.entente.spring.boot;

import dev.entente.api.EntenteMeters;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Entente in a Spring Boot 3 or 4 application: the health indicator {@code entente} in whichever health API the
 * application's Actuator has, and Entente's meters registered at start-up (not at the first global transaction;
 * a service that only joins transactions never runs one), through Micrometer's global registry, where Boot adds
 * its own. The settings are handed over earlier, by {@link SpringSettings}.
 */
@AutoConfiguration
public class EntenteAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot3Health {
        @Bean
        @ConditionalOnMissingBean(name = "ententeHealthIndicator")
        Boot3HealthIndicator ententeHealthIndicator() {
            return new Boot3HealthIndicator();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4Health {
        @Bean
        @ConditionalOnMissingBean(name = "ententeHealthIndicator")
        Boot4HealthIndicator ententeHealthIndicator() {
            return new Boot4HealthIndicator();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.Metrics")
    static class Meters {
        @Bean
        SmartInitializingSingleton ententeMeters(Environment environment) {
            return () -> {
                if (!environment.getProperty("management.metrics.use-global-registry", Boolean.class, true)) {
                    LogFactory.getLog(EntenteAutoConfiguration.class).warn("Entente: management.metrics.use-global-registry is "
                            + "false, so Entente's meters (in Micrometer's global registry) do not reach Spring Boot's registry");
                }
                EntenteMeters.registerIn(EntenteAutoConfiguration.class.getClassLoader());
            };
        }
    }
}
