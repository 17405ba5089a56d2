package dev.entente.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.coordinator.cli.TxRunner.Run;
import dev.entente.coordinator.testing.StuckTransactions;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code entente tx} against a three-node cluster: it finds the leader from a follower's address, and again after a fail-over. */
@Timeout(240)
class ClusterTxCommandTest {

    @TempDir
    Path work;

    @Test
    void followsTheLeaderFromAnyAdminAddressAndAfterTheLeaderDies() throws Exception {
        Path tokenFile = work.resolve("admin-token");
        Files.writeString(tokenFile, "cluster-admin-token-0123456789");
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3, "--admin-token-file", tokenFile.toString()).start();
             CoordinatorClient client = CoordinatorClient.connect(cluster.addresses())) {
            CoordinatorProcess leader = cluster.awaitLeader();
            List<CoordinatorProcess> followers = cluster.followers(leader);
            Map<String, String> env = Map.of("ENTENTE_ADMIN", followers.get(0).adminAddress(),
                    "ENTENTE_ADMIN_TOKEN_FILE", tokenFile.toString());
            StuckTransactions stuck = new StuckTransactions(client);

            String first = stuck.undecided("on-the-leader", "shop", "rm-1", "db-1");
            Run list = TxRunner.run(env, "list");
            assertThat(list.status()).as(list.err()).isZero();
            assertThat(list.out()).contains(first).contains("ACTIVE");

            // a follower asked directly points at the leader's admin address
            HttpResponse<String> fromFollower = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + followers.get(0).adminAddress() + "/transactions/" + first + "/resolve"))
                    .header("Authorization", "Bearer cluster-admin-token-0123456789")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\": \"rollback\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fromFollower.statusCode()).isEqualTo(503);
            assertThat(fromFollower.body()).contains("is not the leader").contains("\"leaderAdmin\" : \"" + leader.adminAddress() + "\"");

            Run resolve = TxRunner.run(env, "resolve", first, "--rollback");
            assertThat(resolve.status()).as(resolve.err()).isZero();
            assertThat(client.status(first).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);

            leader.kill9();
            // at once, while the survivors elect a leader and may still name the dead one: the command waits for it
            Map<String, String> duringElection = Map.of("ENTENTE_ADMIN", leader.adminAddress() + ","
                    + followers.get(0).adminAddress() + "," + followers.get(1).adminAddress(),
                    "ENTENTE_ADMIN_TOKEN_FILE", tokenFile.toString());
            Run showDuringElection = TxRunner.run(duringElection, "show", first);
            assertThat(showDuringElection.status()).as(showDuringElection.err()).isZero();
            assertThat(showDuringElection.out()).contains("ROLLED_BACK");
            CoordinatorProcess next = cluster.awaitLeader();
            String second = stuck.undecided("on-the-new-leader", "shop", "rm-1", "db-1");
            // the dead leader first in the list: the command goes on to a live node and from there to the leader
            Map<String, String> afterFailover = Map.of("ENTENTE_ADMIN", leader.adminAddress() + ","
                    + cluster.followers(next).stream().filter(CoordinatorProcess::isAlive).findFirst().orElse(next).adminAddress(),
                    "ENTENTE_ADMIN_READ_TOKEN_FILE", next.readTokenFile().orElseThrow().toString());
            Run listAgain = TxRunner.run(afterFailover, "list");
            assertThat(listAgain.status()).as(listAgain.err()).isZero();
            assertThat(listAgain.out()).contains(second);
            Run show = TxRunner.run(afterFailover, "show", first);
            assertThat(show.out()).contains("state:      ROLLED_BACK, in doubt").contains("waiting for an RM session serving db-1");
        }
    }
}
