package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bad command-line input gets a message naming the option; good input gives the documented defaults. */
class CommandLineTest {

    @Test
    void defaultsOfADevNode() {
        NodeOptions options = NodeOptions.parse("--dev");
        assertThat(options.clientPort()).isEqualTo(7070);
        assertThat(options.adminPort()).isEqualTo(7071);
        assertThat(options.raftAddress()).isEqualTo("127.0.0.1:7072");
        assertThat(options.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void clusterPortsDeriveFromTheRaftPortSoThreeNodesOnOneHostNeverCollide() {
        String peers = "n1=127.0.0.1:9001,n2=127.0.0.1:9002,n3=127.0.0.1:9003";
        List<Integer> ports = new ArrayList<>();
        for (String node : List.of("n1", "n2", "n3")) {
            NodeOptions options = NodeOptions.parse("--node-id", node, "--peers", peers);
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
