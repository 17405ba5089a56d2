package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.PropagationApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The propagation rules and rollbackFor / noRollbackFor of {@code @GlobalTransactional}, in an app
 * with the agent attached, writing to a real PostgreSQL through a real coordinator: what each call
 * answers, and which rows stay. Rows accumulate from case to case.
 */
@Timeout(180)
class PropagationTest {

    @Test
    void propagationAndRollbackRulesAsInSpringAndJta() throws Exception {
        Path work = Files.createTempDirectory("entente-propagation");
        String url = TestDatabases.postgres().createDatabase("propagation");
        String output;
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work).start().awaitServing()) {
            // each case reads the table right after its call: the call must return after phase 2
            output = ServiceProcess.run(work, "propagation", "coordinator=" + coordinator.clientAddress()
                    + ",wait-for-phase-two=true", PropagationApp.class, url);
        }
        Map<String, String> cases = output.lines().filter(line -> line.contains(" | "))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(" | ")),
                        line -> line.substring(line.indexOf(" | ") + 3)));

        assertThat(cases).as(output).hasSize(12);
        assertThat(cases.get("requires_new survives the caller's rollback"))
                .isEqualTo("threw IllegalStateException: caller fails after a separate inner transaction | rows [2]");
        assertThat(cases.get("not_supported runs outside the caller's transaction"))
                .isEqualTo("threw IllegalStateException: caller fails; inside not_supported the transaction was '' | rows [2, 4]");
        assertThat(cases.get("mandatory without a caller"))
                .startsWith("threw GlobalTransactionException: ").contains("propagation MANDATORY").endsWith(" | rows [2, 4]");
        assertThat(cases.get("mandatory joins its caller")).isEqualTo("returned joined | rows [2, 4, 6, 7]");
        assertThat(cases.get("never inside a transaction"))
                .startsWith("threw GlobalTransactionException: ").contains("propagation NEVER").endsWith(" | rows [2, 4, 6, 7]");
        assertThat(cases.get("never outside")).isEqualTo("returned ran in '' | rows [2, 4, 6, 7, 10]");
        assertThat(cases.get("required joins and a caught failure still rolls back"))
                .startsWith("threw TransactionRolledBackException: ").contains("joined method fails")
                .endsWith(" | rows [2, 4, 6, 7, 10]");
        assertThat(cases.get("checked exception commits"))
                .isEqualTo("threw IOException: checked, not listed | rows [2, 4, 6, 7, 10, 13]");
        assertThat(cases.get("checked exception in rollbackFor rolls back"))
                .isEqualTo("threw IOException: checked, listed in rollbackFor | rows [2, 4, 6, 7, 10, 13]");
        assertThat(cases.get("runtime exception rolls back"))
                .isEqualTo("threw IllegalStateException: unchecked, not listed | rows [2, 4, 6, 7, 10, 13]");
        assertThat(cases.get("runtime exception in noRollbackFor commits"))
                .isEqualTo("threw IllegalStateException: unchecked, listed in noRollbackFor | rows [2, 4, 6, 7, 10, 13, 16]");
        assertThat(cases.get("the most specific rule decides"))
                .isEqualTo("threw CancellationException: an IllegalStateException, so a RuntimeException too | rows [2, 4, 6, 7, 10, 13, 16]");
    }
}
