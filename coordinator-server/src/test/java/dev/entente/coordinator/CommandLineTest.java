package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.coordinator.txn.ClientLimits;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.FreePorts;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command-line input gets a message naming the option; good input gives the documented defaults. */
class CommandLineTest {

    @Test
    void defaultsOfADevNode() {
        NodeOptions options = NodeOptions.parse("--dev");
        assertThat(options.clientPort()).isEqualTo(7070);
        assertThat(options.adminPort()).isEqualTo(7071);
        assertThat(options.raftAddress()).isEqualTo("127.0.0.1:7072");
        assertThat(options.host()).isEqualTo("127.0.0.1");
        // its log lives in the user's home, not in whatever folder it was started from
        assertThat(options.dataDir()).isEqualTo(new File(System.getProperty("user.home"), ".entente/dev"));
    }

    @Test
    void aClusterNodeKeepsItsLogWhereItIsStartedUnlessTold() {
        String peers = "n1=127.0.0.1:9001,n2=127.0.0.1:9002,n3=127.0.0.1:9003";
        assertThat(NodeOptions.parse("--node-id", "n2", "--peers", peers, "--insecure").dataDir())
                .isEqualTo(new File("entente-data/n2").getAbsoluteFile());
        assertThat(NodeOptions.parse("--dev", "--data-dir", "here").dataDir()).isEqualTo(new File("here").getAbsoluteFile());
    }

    @Test
    void clusterPortsDeriveFromTheRaftPortSoThreeNodesOnOneHostNeverCollide() {
        String peers = "n1=127.0.0.1:9001,n2=127.0.0.1:9002,n3=127.0.0.1:9003";
        List<Integer> ports = new ArrayList<>();
        for (String node : List.of("n1", "n2", "n3")) {
            NodeOptions options = NodeOptions.parse("--node-id", node, "--peers", peers, "--insecure");
            ports.add(options.clientPort());
            ports.add(options.adminPort());
        }
        assertThat(ports).containsExactly(10001, 11001, 10002, 11002, 10003, 11003);
        assertThat(NodeOptions.defaultClientAddress("127.0.0.1:9002")).isEqualTo("127.0.0.1:10002");
    }

    @Test
    void errorsNameTheOption() {
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--port", "seventy")).hasMessageStartingWith("--port:");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--admin-port", "70000")).hasMessageStartingWith("--admin-port:");
        assertThatThrownBy(() -> NodeOptions.parse("--node-id", "n4", "--peers", "n1=h:1,n2=h:2"))
                .hasMessageStartingWith("--node-id:").hasMessageContaining("n4");
        assertThatThrownBy(() -> NodeOptions.parse("--node-id", "n1", "--peers", "n1=h")).hasMessageStartingWith("--peers:");
        assertThatThrownBy(() -> NodeOptions.parse("--node-id", "n1", "--peers", "n1=h:1,n1=h:2"))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--frobnicate")).hasMessageStartingWith("--frobnicate:");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--cluster-id", "a b")).hasMessageStartingWith("--cluster-id:");
        assertThatThrownBy(() -> NodeOptions.parse("--node-id", "n1", "--peers", "n1=h:65000"))
                .hasMessageStartingWith("--port:");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--peers", "n1=h:1")).hasMessageStartingWith("--peers:");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--port")).hasMessage("--port: needs a value");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--extensions", "/no/such/extension.jar"))
                .hasMessage("--extensions: /no/such/extension.jar is not a readable jar file");
    }

    @Test
    void aClusterNodeNeedsTlsAndClientAuthenticationOrAnExplicitInsecure(@TempDir Path work) throws Exception {
        String[] node = {"--node-id", "n1", "--peers", "n1=127.0.0.1:9001,n2=127.0.0.1:9002"};
        assertThatThrownBy(() -> NodeOptions.parse(node)).hasMessageContaining("a cluster node needs TLS")
                .hasMessageContaining("--tls-cert").hasMessageContaining("--tls-key").hasMessageContaining("--tls-ca")
                .hasMessageContaining("--app-secrets").hasMessageContaining("--insecure");
        assertThat(NodeOptions.parse(append(node, "--insecure")).security().isTls()).isFalse();
        assertThat(NodeOptions.parse("--dev").security().isTls()).isFalse();
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--host", "0.0.0.0")).hasMessageStartingWith("--host:")
                .hasMessageContaining("loopback");

        CoordinatorSecurity security = CoordinatorSecurity.create(work).app("order");
        assertThat(NodeOptions.parse(append(node, security.coordinatorArgs().toArray(String[]::new))).security().isTls()).isTrue();
        assertThatThrownBy(() -> NodeOptions.parse(append(node, "--tls-cert", security.nodeCertificate().toString())))
                .hasMessageStartingWith("--tls-key: needed with --tls-cert");
        assertThatThrownBy(() -> NodeOptions.parse(append(node, append(security.coordinatorArgs().toArray(String[]::new), "--insecure"))))
                .hasMessageStartingWith("--insecure: not allowed with --tls-cert");
        assertThatThrownBy(() -> NodeOptions.parse(append(node, "--tls-cert", work.resolve("missing.pem").toString(),
                "--tls-key", security.nodeKey().toString(), "--tls-ca", security.authority().toString(),
                "--app-secrets", security.appSecrets().toString())))
                .hasMessageStartingWith("--tls-cert: " + work.resolve("missing.pem")).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> NodeOptions.parse(append(node, "--tls-cert", security.nodeCertificate().toString(),
                "--tls-key", security.nodeCertificate().toString(), "--tls-ca", security.authority().toString(),
                "--app-secrets", security.appSecrets().toString())))
                .hasMessageStartingWith("--tls-key: ").hasMessageContaining("PKCS#8");
        // issue 18 item 1: its peers accept only a certificate naming its node id, so it must name it
        security.issue("someone", "someone");
        assertThatThrownBy(() -> NodeOptions.parse(append(node, "--tls-cert", security.certificate("someone").toString(),
                "--tls-key", security.key("someone").toString(), "--tls-ca", security.authority().toString(),
                "--app-secrets", security.appSecrets().toString())))
                .hasMessageStartingWith("--tls-cert: the certificate CN=someone (names [someone, localhost])")
                .hasMessageContaining("does not name this node's id 'n1'").hasMessageContaining("CN=n1");
        Path badSecrets = Files.writeString(work.resolve("bad-secrets"), "order not-a-hash\n");
        assertThatThrownBy(() -> NodeOptions.parse(append(node, "--tls-cert", security.nodeCertificate().toString(),
                "--tls-key", security.nodeKey().toString(), "--tls-ca", security.authority().toString(),
                "--app-secrets", badSecrets.toString())))
                .hasMessageStartingWith("--app-secrets: " + badSecrets + " line 1:");
    }

    @Test
    void clientLimitsHaveDefaultsAndAreChecked() {
        ClientLimits defaults = NodeOptions.parse("--dev").limits();
        assertThat(defaults).isEqualTo(new ClientLimits(10_000, 100, 1000, 2_097_152, 268_435_456, 10_000, 4));
        assertThat(NodeOptions.parse("--dev", "--max-transactions-per-app", "7").limits().transactionsPerApp()).isEqualTo(7);
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--max-message-bytes-per-transaction", "4194304"))
                .hasMessageStartingWith("--max-message-bytes-per-transaction:");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--max-branches-per-transaction", "0"))
                .hasMessageStartingWith("--max-branches-per-transaction:");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--max-held-bytes", "100000"))
                .hasMessageStartingWith("--max-held-bytes: 100000 does not leave room for one transaction");
    }

    @Test
    void adminViewOptionsAreCheckedAndDefaultToLoopback() {
        NodeOptions defaults = NodeOptions.parse("--dev");
        assertThat(defaults.adminHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.metricsHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.metricsPort()).isEmpty();
        assertThat(defaults.adminOpenViews()).isFalse();
        assertThat(NodeOptions.parse("--dev", "--metrics-port", "9100").metricsPort()).hasValue(9100);
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--metrics-port", "7071")).hasMessageStartingWith("--metrics-port:")
                .hasMessageContaining("the admin port");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--metrics-port", "nope")).hasMessageStartingWith("--metrics-port:");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--admin-read-token-file", "/no/such/token"))
                .hasMessageStartingWith("--admin-read-token-file:").hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--admin-open-views", "--admin-read-token-file", "/etc/hostname"))
                .hasMessageStartingWith("--admin-open-views: not with --admin-read-token-file");
    }

    @Test
    void aClusterNodeWithoutTlsOrInsecureRefusesToStart(@TempDir Path work) {
        CoordinatorProcess node = new CoordinatorProcess("n1", work, FreePorts.next(), FreePorts.next(),
                List.of("--node-id", "n1", "--peers", "n1=127.0.0.1:" + FreePorts.next(), "--data-dir", work.resolve("n1").toString()));
        assertThat(node.runToExit()).isEqualTo(2);
        assertThat(node.logTail(40)).contains("entente coordinator: a cluster node needs TLS: give --tls-cert, --tls-key, "
                + "--tls-ca and --app-secrets (see docs/operations.md), or --insecure to run plain text without authentication");
        assertThat(work.resolve("n1")).doesNotExist();
    }

    @Test
    void insecureWarnsOnEveryStartAndDevSaysItIsPlainText(@TempDir Path work) {
        try (CoordinatorCluster cluster = new CoordinatorCluster(work.resolve("cluster"), 1)) {
            cluster.start();
            CoordinatorProcess node = cluster.nodes().get(0);
            assertThat(node.logTail(200)).contains("--insecure: node n1 runs plain text and does not authenticate clients")
                    .contains("security=plain text, no authentication (INSECURE)");
        }
        try (CoordinatorProcess dev = CoordinatorProcess.dev(work.resolve("dev")).start()) {
            assertThat(dev.logTail(200)).contains("security=plain text, no authentication (dev mode: one node on loopback)")
                    .doesNotContain("--insecure");
        }
    }

    private static String[] append(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void theProcessExitsWithStatusTwoAndTheMessage() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CoordinatorMain.class.getName(), "--dev", "--port", "x")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("entente coordinator: --port: expected a port number 1-65535, got 'x'").contains("usage:");
    }
}
