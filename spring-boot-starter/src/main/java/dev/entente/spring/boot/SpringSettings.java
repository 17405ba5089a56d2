package dev.entente.spring.boot;

import dev.entente.api.EntenteSettings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Hands the {@code entente.*} properties of the application's configuration ({@code application.yml},
 * {@code application.properties}, profiles, command-line arguments ...) to the agent once Spring Boot has read
 * them, before any bean is made (so before the first JDBC connection starts Entente's runtime). System properties
 * and environment variables are left out: the agent reads those itself, first. What is not applied is logged as
 * a warning naming it; a bad value stops the application's start, naming the setting; without the agent, a
 * warning says that the settings have no effect.
 */
public final class SpringSettings implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    static final String SOURCE = "Spring's environment (application.yml, application.properties, ...)";
    private static final String PREFIX = "entente.";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Map<String, String> settings = ententeProperties(event.getEnvironment());
        if (settings.isEmpty()) {
            return;
        }
        Log log = LogFactory.getLog(SpringSettings.class);
        if (!EntenteSettings.agentAttached()) {
            log.warn("Entente: the agent is not attached (-javaagent:entente-agent.jar) or is off, so the settings "
                    + settings.keySet().stream().map(key -> PREFIX + key).toList() + " of " + SOURCE + " have no effect");
            return;
        }
        List<String> notApplied;
        try {
            notApplied = EntenteSettings.apply(settings, SOURCE);
        } catch (IllegalArgumentException bad) {
            throw new IllegalStateException("Entente: " + bad.getMessage(), bad);
        }
        notApplied.forEach(problem -> log.warn("Entente: " + problem));
        log.info("Entente: settings " + settings.keySet().stream().map(key -> PREFIX + key).toList() + " from " + SOURCE
                + " given to the agent (its agent arguments, system properties and environment variables take precedence)");
    }

    /** The {@code entente.*} properties outside system properties and environment variables, names without the prefix. */
    static Map<String, String> ententeProperties(ConfigurableEnvironment environment) {
        Map<String, String> found = new TreeMap<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source.getName().equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)
                    || source.getName().equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)
                    || !(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                String value = name.startsWith(PREFIX) ? environment.getProperty(name) : null;
                if (value != null) {
                    found.putIfAbsent(name.substring(PREFIX.length()), value);
                }
            }
        }
        return found;
    }

    /** After Spring Boot's own listeners: its logging is set up and its configuration files are read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
