package dev.entente.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order the agent reads a setting in, as the OpenTelemetry agent does: agent argument, system
 * property, environment variable, properties file; and what stops start-up.
 */
class SettingSourcesTest {

    private static Properties properties(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static Path file(Path dir, String text) throws Exception {
        Path file = dir.resolve("entente.properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void eachSourceWinsOverTheNextOne(@TempDir Path dir) throws Exception {
        Path file = file(dir, "entente.app=from-file\nentente.timeout=4000\nentente.lock-wait=5000\nentente.lock-root=/from/file\n");
        Settings settings = Settings.resolve(Map.of("app", "from-argument"),
                Map.of("ENTENTE_APP", "from-environment", "ENTENTE_TIMEOUT", "2000", "ENTENTE_LOCK_WAIT", "3000"),
                properties("entente.app", "from-property", "entente.timeout", "1000",
                        "entente.javaagent.configuration-file", file.toString()));

        assertThat(settings.app()).as("agent argument over all").isEqualTo("from-argument");
        assertThat(settings.defaultTimeoutMillis()).as("system property over environment").isEqualTo(1000);
        assertThat(settings.lockWaitMillis()).as("environment over file").isEqualTo(3000);
        assertThat(settings.lockRoot()).as("file over default").isEqualTo("/from/file");
    }

    @Test
    void theFileMayBeNamedByTheEnvironmentAndAnErrorInItNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = file(dir, "entente.timeout=soon\n");
        assertThatThrownBy(() -> Settings.resolve(Map.of(), Map.of("ENTENTE_JAVAAGENT_CONFIGURATION_FILE", file.toString()),
                new Properties()))
                .isInstanceOf(Settings.InvalidSetting.class)
                .hasMessage("entente.timeout in " + file + ": expected milliseconds from 1 to 86400000, got 'soon'");
    }

    @Test
    void aFileThatIsMissingOrNamesSomethingElseStopsStartUp(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> Settings.resolve(Map.of(), Map.of(), properties("entente.javaagent.configuration-file", missing.toString())))
                .hasMessage("system property entente.javaagent.configuration-file: " + missing + " cannot be read (NoSuchFileException)");
        Path typo = file(dir, "entente.cordinator=127.0.0.1:7070\n");
        assertThatThrownBy(() -> Settings.resolve(Map.of(), Map.of(), properties("entente.javaagent.configuration-file", typo.toString())))
                .hasMessageStartingWith("system property entente.javaagent.configuration-file: " + typo
                        + " holds 'entente.cordinator', which is not an Entente setting");
    }

    @Test
    void theKillSwitchAndIntegrationSwitchesAreFlags() {
        SettingSources sources = SettingSources.of(Map.of(), Map.of("ENTENTE_JAVAAGENT_ENABLED", "false",
                "ENTENTE_INSTRUMENTATION_JAVA_HTTP_CLIENT_ENABLED", "false"), properties("entente.instrumentation.jdbc.enabled", "maybe"));

        assertThat(sources.flag(SettingSources.ENABLED, true)).isFalse();
        assertThat(sources.flag("instrumentation.java-http-client.enabled", true)).isFalse();
        assertThat(sources.flag("instrumentation.executors.enabled", true)).as("default").isTrue();
        assertThatThrownBy(() -> sources.flag("instrumentation.jdbc.enabled", true))
                .hasMessage("system property entente.instrumentation.jdbc.enabled: expected true or false, got 'maybe'");
    }

    @Test
    void agentArgumentsTakeTheSwitchesToo() {
        assertThat(Settings.parseAgentArguments("coordinator=h:1,javaagent.enabled=false,instrumentation.servlet.enabled=false"))
                .containsEntry("javaagent.enabled", "false").containsEntry("instrumentation.servlet.enabled", "false");
        assertThatThrownBy(() -> Settings.parseAgentArguments("instrumentation.servlet=false"))
                .hasMessageStartingWith("agent argument 'instrumentation.servlet' is not an Entente setting");
    }
}
