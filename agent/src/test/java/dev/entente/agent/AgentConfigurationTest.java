package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.agent.apps.ConfiguredApp;
import dev.entente.agent.apps.IdleApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's configuration as the OpenTelemetry agent's: settings from a properties file, a system
 * property over an environment variable, an integration turned off by name, the kill switch, and a
 * switch naming no integration refused. An application with the agent attached, a real coordinator and
 * PostgreSQL: what the application then sees ({@link ConfiguredApp}).
 */
@Timeout(240)
class AgentConfigurationTest {

    private static Path work;
    private static String url;
    private static CoordinatorProcess coordinator;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("entente-configuration");
        url = TestDatabases.postgres().createDatabase("configured");
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
    }

    @AfterAll
    static void stop() {
        coordinator.close();
    }

    private static Path file(String name, String text) throws Exception {
        return Files.writeString(work.resolve(name), text);
    }

    private static String run(String name, List<String> jvmOptions, Map<String, String> environment, String agentArguments) {
        String output = ServiceProcess.runWith(work, name, jvmOptions, environment, agentArguments, ConfiguredApp.class, url);
        return output.lines().filter(line -> line.startsWith("agent installed: ")).findFirst().orElseThrow();
    }

    @Test
    void aPropertiesFileGivesTheSettingsAndTurnsAnIntegrationOff() throws Exception {
        Path settings = file("off.properties", "entente.coordinator=" + coordinator.clientAddress()
                + "\nentente.instrumentation.executors.enabled=false\n");

        String seen = run("file", List.of("-Dentente.javaagent.configuration-file=" + settings), Map.of(), "");

        assertThat(seen).isEqualTo("agent installed: yes | transaction: yes | executor task: outside | task's row: kept");
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironmentWhichWinsOverTheFile() throws Exception {
        Path settings = file("on.properties", "entente.coordinator=" + coordinator.clientAddress()
                + "\nentente.instrumentation.executors.enabled=false\n");

        String propertyOverEnvironment = run("property-over-environment", List.of("-Dentente.instrumentation.executors.enabled=true"),
                Map.of("ENTENTE_JAVAAGENT_CONFIGURATION_FILE", settings.toString(),
                        "ENTENTE_INSTRUMENTATION_EXECUTORS_ENABLED", "false"), "");
        String environmentOverFile = run("environment-over-file", List.of(),
                Map.of("ENTENTE_JAVAAGENT_CONFIGURATION_FILE", settings.toString(),
                        "ENTENTE_INSTRUMENTATION_EXECUTORS_ENABLED", "true"), "");

        assertThat(propertyOverEnvironment).isEqualTo("agent installed: yes | transaction: yes | executor task: in it | task's row: gone");
        assertThat(environmentOverFile).isEqualTo("agent installed: yes | transaction: yes | executor task: in it | task's row: gone");
    }

    @Test
    void theKillSwitchInstallsNothing() {
        String seen = run("killed", List.of(), Map.of("ENTENTE_JAVAAGENT_ENABLED", "false"),
                "coordinator=" + coordinator.clientAddress());

        assertThat(seen).isEqualTo("agent installed: no | transaction: no | executor task: outside | task's row: kept");
        assertThat(Path.of(work.toString(), "killed.log")).content()
                .contains("entente: the agent is off (setting javaagent.enabled=false): it installs nothing");
    }

    @Test
    void aSwitchThatNamesNoIntegrationStopsStartUp() {
        assertThatThrownBy(() -> run("typo", List.of("-Dentente.instrumentation.servlett.enabled=false"), Map.of(),
                "coordinator=" + coordinator.clientAddress()))
                .hasMessageContaining("entente: the agent could not start: system property entente.instrumentation.servlett.enabled "
                        + "names nothing known; known: [instrumentation.jdbc.enabled, ");
    }

    @Test
    void aCoordinatorThatAcceptsNoConnectionIsReportedAtStartUp() throws Exception {
        String nowhere = "127.0.0.1:" + FreePorts.next(); // nothing listens there

        ServiceProcess.runWith(work, "unreachable", List.of(), Map.of(), "coordinator=" + nowhere, IdleApp.class, "4000");
        ServiceProcess.runWith(work, "reachable", List.of(), Map.of(), "coordinator=" + coordinator.clientAddress(), IdleApp.class, "4000");

        assertThat(Files.readString(work.resolve("unreachable.log")))
                .contains("Entente: no coordinator accepts connections at [" + nowhere + "] (" + nowhere + ": Connection refused); "
                        + "global transactions, @Locked and @Publish fail until one does (setting coordinator)");
        assertThat(Files.readString(work.resolve("reachable.log"))).doesNotContain("no coordinator accepts connections");
    }
}
