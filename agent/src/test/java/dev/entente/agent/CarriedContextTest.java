package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.LineReceiver;
import dev.entente.agent.apps.LineSender;
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
 * Two services that carry a global transaction themselves, over a plain TCP socket the agent does not
 * see, with {@code PropagationHeaders}: the sender writes PostgreSQL, the receiver MariaDB, each with
 * the agent attached, through a real coordinator. Both rows commit together, or both roll back when
 * either side fails.
 */
@Timeout(180)
class CarriedContextTest {

    @Test
    void aTransactionCarriedInTheApplicationsOwnHeadersCommitsAndRollsBackAsOne() throws Exception {
        Path work = Files.createTempDirectory("entente-carried");
        String senderUrl = TestDatabases.postgres().createDatabase("carried");
        String receiverUrl = TestDatabases.mariadb().createDatabase("carried");
        String output;
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work).start().awaitServing();
             ServiceProcess receiver = ServiceProcess.start(work, "receiver", "coordinator=" + coordinator.clientAddress(),
                     LineReceiver.class, receiverUrl)) {
            // each case reads both tables right after its call: the call must return after phase 2
            output = ServiceProcess.run(work, "sender", "coordinator=" + coordinator.clientAddress() + ",wait-for-phase-two=true",
                    LineSender.class, senderUrl, receiverUrl, String.valueOf(receiver.port()));
        }
        Map<String, String> cases = output.lines().filter(line -> line.contains(" | "))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(" | ")),
                        line -> line.substring(line.indexOf(" | ") + 3)));

        assertThat(cases).as(output).hasSize(4);
        assertThat(cases.get("both commit")).isEqualTo("returned headers [entente-token, entente-xid], receiver answered ok "
                + "in the sender's transaction | sender's row kept, receiver's row kept");
        assertThat(cases.get("receiver fails, sender ignores it"))
                .startsWith("threw TransactionRolledBackException: ").contains("the receiver fails after its write")
                .endsWith(" | sender's row gone, receiver's row gone");
        assertThat(cases.get("sender fails after the receiver answered"))
                .isEqualTo("threw IllegalStateException: the sender fails after the receiver answered ok | sender's row gone, "
                        + "receiver's row gone");
        assertThat(cases.get("no transaction")).isEqualTo("returned headers {}, receiver answered ok outside any transaction | "
                + "sender's row kept, receiver's row kept");
    }
}
