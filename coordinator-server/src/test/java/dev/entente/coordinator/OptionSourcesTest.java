package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.coordinator.cli.ClusterCommand;
import dev.entente.coordinator.cli.TxCommand;
import dev.entente.options.DocsTable;
import dev.entente.options.OptionTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every coordinator option comes from a flag, an {@code ENTENTE_*} variable or the {@code --config}
 * file, in that order of precedence over the default; and docs/coordinator.md's reference table is the
 * one {@link NodeOptionTable} makes, so the docs cannot drift from the parser.
 */
class OptionSourcesTest {

    @Test
    void docsHoldTheTablesTheOptionsMake() throws Exception {
        assertDocsHold("coordinator.md", "options: generated from NodeOptionTable", NodeOptionTable.TABLE);
        assertDocsHold("operations.md", "tx options: generated from TxCommand", TxCommand.TABLE);
        assertDocsHold("operations.md", "cluster options: generated from ClusterCommand", ClusterCommand.TABLE);
    }

    private static void assertDocsHold(String file, String marker, OptionTable table) throws Exception {
        assertThat(DocsTable.section(Path.of("..", "docs", file), marker + "; OptionSourcesTest keeps it so"))
                .as("docs/" + file + "'s option table; replace it with the expected text").isEqualTo(table.markdown());
    }

    @Test
    void usageNamesEveryOptionAndItsVariable() {
        for (var option : NodeOptionTable.TABLE.options()) {
            assertThat(NodeOptions.USAGE).contains(option.synopsis()).contains(NodeOptionTable.TABLE.environmentVariable(option));
        }
        assertThat(NodeOptions.USAGE).contains("--host H").contains("[ENTENTE_ADMIN_PORT]");
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault(@TempDir Path work) throws Exception {
        Path config = Files.writeString(work.resolve("node.properties"), """
                # every option by its name
                dev = true
                port=7101
                admin-port=7102
                raft-port=7103
                snapshot-threshold=500
                """);
        Map<String, String> environment = Map.of("ENTENTE_CONFIG", config.toString(), "ENTENTE_ADMIN_PORT", "7202",
                "ENTENTE_RAFT_PORT", "7203");

        NodeOptions options = NodeOptions.parse(new String[] {"--raft-port", "7303"}, environment);

        assertThat(options.dev()).as("from the file").isTrue();
        assertThat(options.clientPort()).as("from the file").isEqualTo(7101);
        assertThat(options.adminPort()).as("the environment over the file").isEqualTo(7202);
        assertThat(options.raftAddress()).as("the flag over both").isEqualTo("127.0.0.1:7303");
        assertThat(options.snapshotThreshold()).as("from the file").isEqualTo(500);
        assertThat(options.electionTimeout().toMillis()).as("the default").isEqualTo(1000);
        assertThat(options.clusterId()).as("the default").isEqualTo("entente");

        Path other = Files.writeString(work.resolve("other.properties"), "dev=true\nport=7401\n");
        assertThat(NodeOptions.parse(new String[] {"--config", other.toString()}, environment).clientPort())
                .as("--config over ENTENTE_CONFIG").isEqualTo(7401);
    }

    @Test
    void errorsNameTheVariableOrTheFileKeyTheValueCameFrom(@TempDir Path work) throws Exception {
        assertThatThrownBy(() -> NodeOptions.parse(new String[] {"--dev"}, Map.of("ENTENTE_PORT", "x")))
                .hasMessage("ENTENTE_PORT: expected a port number 1-65535, got 'x'");
        assertThatThrownBy(() -> NodeOptions.parse(new String[] {}, Map.of("ENTENTE_DEV", "yes")))
                .hasMessage("ENTENTE_DEV: expected true or false, got 'yes'");
        Path config = Files.writeString(work.resolve("bad.properties"), "dev=true\nelection-timeout=5\n");
        assertThatThrownBy(() -> NodeOptions.parse("--config", config.toString()))
                .hasMessage("election-timeout in " + config + ": expected a whole number from 100 to 60000, got '5'");
        Path typo = Files.writeString(work.resolve("typo.properties"), "admin-prot=7071\n");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--config", typo.toString()))
                .hasMessageStartingWith("admin-prot in " + typo + ": unknown option");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--config", work.resolve("missing").toString()))
                .hasMessageStartingWith("--config: cannot read " + work.resolve("missing"));
        Map<String, String> missingTls = Map.of("ENTENTE_TLS_CERT", work.resolve("node.pem").toString(), "ENTENTE_TLS_KEY",
                work.resolve("node.key").toString(), "ENTENTE_TLS_CA", work.resolve("ca.pem").toString(), "ENTENTE_APP_SECRETS",
                work.resolve("app-secrets").toString());
        assertThatThrownBy(() -> NodeOptions.parse(new String[] {"--node-id", "n1", "--peers", "n1=127.0.0.1:9001"}, missingTls))
                .as("a file of the security options named as it was given").hasMessageStartingWith("ENTENTE_TLS_CERT: " + work.resolve("node.pem"));
        assertThat(NodeOptions.parse(new String[] {}, Map.of("ENTENTE_DEV", "false", "ENTENTE_NODE_ID", "n1",
                "ENTENTE_PEERS", "n1=127.0.0.1:9001", "ENTENTE_INSECURE", "TRUE")).insecure()).isTrue();
    }

    @Test
    void theCoordinatorProcessReadsItsEnvironment(@TempDir Path work) throws Exception {
        Path config = Files.writeString(work.resolve("node.properties"), "dev=true\nport=0\n");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CoordinatorMain.class.getName()).redirectErrorStream(true);
        builder.environment().put("ENTENTE_CONFIG", config.toString());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("entente coordinator: port in " + config + ": expected a port number 1-65535, got '0'");
    }
}
