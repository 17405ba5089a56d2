package dev.entente.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo, run as a user runs it (a sandbox, three service JVMs with the agent, orders over HTTP),
 * small: its own consistency checks are the assertions, and the report must say what happened.
 */
@Timeout(600)
class DemoTest {

    @Test
    void theShopStaysConsistent() throws Exception {
        Run run = demo("--orders", "60", "--concurrency", "6", "--seed", "11");

        assertThat(run.passed).as(run.output).isTrue();
        assertThat(run.output).contains("all 9 checks passed").contains("refused, rolled back")
                .contains("[ ok ] one OrderPlaced per stored order")
                .containsPattern("committed +[1-9]").containsPattern("out of stock [1-9]|balance short [1-9]")
                .contains("failed                   0");
    }

    @Test
    void theShopStaysConsistentWithASpringBootService() throws Exception {
        Run run = demo("--orders", "40", "--concurrency", "4", "--seed", "14", "--spring-boot");

        assertThat(run.passed).as(run.output).isTrue();
        assertThat(run.output).contains("payment (Spring Boot) services").contains("all 9 checks passed")
                .containsPattern("committed +[1-9]").containsPattern("balance short [1-9]");
    }

    @Test
    void theShopStaysConsistentWhileServicesCrash() throws Exception {
        Run run = demo("--orders", "200", "--concurrency", "4", "--seed", "12", "--chaos");

        assertThat(run.passed).as(run.output).isTrue();
        assertThat(run.output).contains("all 8 checks passed").containsPattern("committed +[1-9]")
                .containsPattern("crashes injected +[1-9]")
                .contains("[ ok ] one OrderPlaced per stored order")
                .contains("chaos: kill -9 ");
    }

    @Test
    void aServiceWithAWrongCoordinatorAddressIsReportedNotAwaited() throws Exception {
        Run run = demo("--orders", "8", "--concurrency", "8", "--seed", "13", "--wrong-coordinator");

        assertThat(run.passed).as(run.output).isFalse();
        assertThat(run.output).contains("GlobalTransactionException: cannot begin a global transaction")
                .contains("no coordinator accepts connections at [").contains("is it started, and is setting coordinator right?")
                .contains("failed                   8")
                .contains("CHECKS FAILED: 1 of 9");
    }

    private record Run(boolean passed, String output) {
    }

    private static Run demo(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] withWork = java.util.Arrays.copyOf(args, args.length + 2);
        withWork[args.length] = "--work";
        withWork[args.length + 1] = Files.createTempDirectory("entente-demo-test").toString();
        boolean passed;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            passed = new Demo(DemoOptions.parse(withWork), out).run();
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return new Run(passed, output);
    }
}
