package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.entente.agent.apps.EarlyExecutorsAgent;
import dev.entente.agent.apps.HandOffApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.Jdks;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A global transaction follows a task handed to another thread, whichever way Java hands it off:
 * scheduled and fork/join executors, an executor of the application's own whose base class loads after it, forked parts of a fork/join task, virtual-thread executors, and a
 * task the application wraps itself ({@code GlobalTransaction.wrap}) for a thread no executor runs. The
 * task writes to PostgreSQL, its caller to MariaDB, in an application with the agent attached and a
 * real coordinator: both rows commit, or both roll back when the caller or the task fails.
 */
@Timeout(300)
class HandOffTest {

    @Test
    void executorsForkJoinAndTheApiCarryTheTransaction() throws Exception {
        List<String> lines = handOffs(Path.of(System.getProperty("java.home")), "platform");

        assertThat(lines).as("one line per hand-off and ending").hasSize(10 * 3);
        assertEveryHandOffFollowsTheTransaction(lines);
    }

    @Test
    void executorsWhoseClassesWereLoadedBeforeTheAgentStartedCarryTheTransactionToo() throws Exception {
        Path work = Files.createTempDirectory("entente-hand-off-early");
        String earlyAgent = "-javaagent:" + EarlyExecutorsAgent.jar(work);

        String output = handOffsLog(Path.of(System.getProperty("java.home")), work, "platform", List.of(earlyAgent));

        assertThat(output).contains("early agent: the executors' classes are loaded");
        List<String> lines = output.lines().filter(line -> line.contains(" | ")).toList();
        assertThat(lines).as("one line per hand-off and ending").hasSize(10 * 3);
        assertEveryHandOffFollowsTheTransaction(lines);
    }

    @Test
    void virtualThreadExecutorsCarryTheTransaction() throws Exception {
        Optional<Path> java21 = Jdks.atLeast(21);
        assumeTrue(java21.isPresent(), "virtual threads need Java 21 or later; none found beside this JVM");

        List<String> lines = handOffs(java21.get(), "virtual");

        assertThat(lines).as("one line per hand-off and ending").hasSize(3 * 3);
        assertEveryHandOffFollowsTheTransaction(lines);
    }

    private static List<String> handOffs(Path javaHome, String kind) throws Exception {
        String output = handOffsLog(javaHome, Files.createTempDirectory("entente-hand-off"), kind, List.of());
        return output.lines().filter(line -> line.contains(" | ")).toList();
    }

    /** Everything {@link HandOffApp} printed, started on {@code javaHome} with {@code jvmOptions} before the agent. */
    private static String handOffsLog(Path javaHome, Path work, String kind, List<String> jvmOptions) throws Exception {
        String postgres = TestDatabases.postgres().createDatabase("hand_off");
        String mariadb = TestDatabases.mariadb().createDatabase("hand_off");
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work).start().awaitServing()) {
            // each case reads both tables right after its call: the call must return after phase 2
            return ServiceProcess.runOn(javaHome, work, "hand-off-" + kind, jvmOptions, "coordinator=" + coordinator.clientAddress()
                    + ",wait-for-phase-two=true", HandOffApp.class, postgres, mariadb, kind);
        }
    }

    private static void assertEveryHandOffFollowsTheTransaction(List<String> lines) {
        for (String line : lines) {
            String[] parts = line.split(" \\| ");
            String ending = parts[1];
            String outcome = parts[2];
            String rows = parts[3];
            switch (ending) {
                case "caller returns" -> {
                    assertThat(outcome).as(line).isEqualTo("returned in the caller's transaction");
                    assertThat(rows).as(line).isEqualTo("caller's row kept, task's row kept");
                }
                case "caller fails" -> {
                    assertThat(outcome).as(line).isEqualTo("threw IllegalStateException: the caller fails after the task ran "
                            + "in the caller's transaction");
                    assertThat(rows).as(line).isEqualTo("caller's row gone, task's row gone");
                }
                case "task fails" -> {
                    assertThat(outcome).as(line).startsWith("threw ").contains("the task fails after its write");
                    assertThat(rows).as(line).isEqualTo("caller's row gone, task's row gone");
                }
                default -> throw new AssertionError("unexpected line " + line);
            }
        }
    }
}
