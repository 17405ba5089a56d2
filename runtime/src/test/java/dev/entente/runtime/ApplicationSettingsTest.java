package dev.entente.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Settings the application gives from its own configuration (the Spring Boot starter's {@code entente.*}
 * properties): they fill in what the agent's own places leave unset, until the runtime starts; what is not
 * applied is said, a bad value is an error naming it and the application's source.
 */
class ApplicationSettingsTest {

    private static final String SPRING = "Spring's environment";

    private static ApplicationSettings agentWith(Map<String, String> environment) {
        SettingSources sources = SettingSources.of(Map.of(), environment, new Properties());
        return new ApplicationSettings(sources, Settings.resolve(sources));
    }

    @Test
    void theyFillInWhatTheAgentsOwnPlacesLeaveUnset() {
        ApplicationSettings settings = agentWith(Map.of("ENTENTE_APP", "from-environment"));

        List<String> notApplied = settings.apply(Map.of("app", "from-spring", "coordinator", "127.0.0.1:7070",
                "timeout", "20000"), SPRING);

        assertThat(notApplied).isEmpty();
        Settings started = settings.forStart();
        assertThat(started.app()).as("the environment variable wins").isEqualTo("from-environment");
        assertThat(started.coordinator()).containsExactly("127.0.0.1:7070");
        assertThat(started.defaultTimeoutMillis()).isEqualTo(20000);
    }

    @Test
    void aBadValueNamesTheSettingAndTheApplicationsSourceAndChangesNothing() {
        ApplicationSettings settings = agentWith(Map.of());

        assertThatThrownBy(() -> settings.apply(Map.of("timeout", "soon"), SPRING))
                .isInstanceOf(Settings.InvalidSetting.class)
                .hasMessage("entente.timeout in " + SPRING + ": expected milliseconds from 1 to 86400000, got 'soon'");
        assertThat(settings.current().defaultTimeoutMillis()).isEqualTo(60000);
    }

    @Test
    void theAgentsStartUpSettingsAndUnknownNamesAreReportedNotApplied() {
        ApplicationSettings settings = agentWith(Map.of());

        List<String> notApplied = settings.apply(Map.of("instrumentation.servlet.enabled", "false", "coordinater", "h:1",
                "javaagent.enabled", "true"), SPRING);

        assertThat(notApplied).containsExactlyInAnyOrder(
                "entente.instrumentation.servlet.enabled in " + SPRING + " is not applied: the agent reads it at the JVM's start "
                        + "only, from its agent arguments, system properties, environment variables or configuration file",
                "entente.coordinater in " + SPRING + " is not an Entente setting (known: " + Settings.DEFAULTS.keySet()
                        + "); it is ignored",
                "entente.javaagent.enabled in " + SPRING + " is not applied: the agent reads it at the JVM's start only, from "
                        + "its agent arguments, system properties, environment variables or configuration file");
    }

    @Test
    void afterTheRuntimeStartedOnlyTheSettingsThatWouldChangeAreReported() {
        ApplicationSettings settings = agentWith(Map.of("ENTENTE_COORDINATOR", "127.0.0.1:7070"));
        settings.forStart();

        List<String> notApplied = settings.apply(Map.of("coordinator", "127.0.0.1:7070", "timeout", "60000",
                "app", "late"), SPRING);

        assertThat(notApplied).containsExactly("the Entente runtime started (at its first use) before " + SPRING
                + " was read, so [entente.app] from there are not applied; give them to the agent instead (agent argument, "
                + "system property or environment variable)");
        assertThat(settings.current().app()).isNotEqualTo("late");
    }
}
