package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.SpringBothAnnotationsApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @GlobalTransactional} and Spring's {@code @Transactional} on the same method, as most Spring users
 * write it: the global transaction begins around Spring's local one, so Spring's commit prepares the branch
 * and the global commit follows; a method that throws rolls both back.
 */
@Timeout(300)
class SpringTransactionalTest {

    @TempDir
    Path work;

    @Test
    void bothAnnotationsOnOneMethodCommitAndRollBackThroughTheCoordinator() {
        String url = TestDatabases.postgres().createDatabase("spring_both");
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work).start().awaitServing()) {
            String output = ServiceProcess.run(work, "spring-both", "coordinator=" + coordinator.clientAddress(),
                    SpringBothAnnotationsApp.class, url);

            String committed = xid(output, "committed (\\S+)");
            String rolledBack = xid(output, "rolled back (\\S+): java.lang.IllegalStateException: failed after its update");
            assertThat(output).contains("balance 1"); // the first call's credit, not the second's
            assertThat(committed).isNotEqualTo(rolledBack).isNotEqualTo("none");
            CoordinatorClient client = CoordinatorClient.connect(coordinator.clientAddress());
            try {
                assertThat(client.status(committed).getOutcome()).isEqualTo(Outcome.COMMITTED);
            } finally {
                client.close();
            }
        }
    }

    private static String xid(String output, String line) {
        Matcher matcher = Pattern.compile("(?m)^" + line).matcher(output);
        assertThat(matcher.find()).as("a line /%s/ in:%n%s", line, output).isTrue();
        return matcher.group(1);
    }
}
