package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.testing.Shop;
import dev.entente.bootstrap.HttpHook;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.XidMint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Protocol v2's rule on real branches: a branch commits if and only if the commit decision names it. The
 * stock service (its own JVM, the agent, MariaDB) joins a transaction, prepares its branch and answers with
 * its vote; the caller here drops the vote, as a response lost on its way back would leave it, and commits.
 * The coordinator never heard of the branch, so no decision names it: the stock service settles it itself
 * at the transaction's deadline (it asks, and the coordinator answers that the decision does not name it),
 * and it rolls back while the transaction it belonged to committed.
 */
@Timeout(300)
class MissedVoteTest {

    @Test
    void aPreparedBranchWhoseVoteMissedTheCommitRollsBack() throws Exception {
        try (Shop shop = new Shop("missed_vote", "hikari");
                CoordinatorClient tm = CoordinatorClient.connect(shop.coordinator.clientAddress())) {
            int applesBefore = shop.stockOf("apple");
            XidMint xids = XidMint.withOwnSession(tm, "orders", "missed-vote-tm", Duration.ofSeconds(20));
            String xid = xids.mint(15_000);

            HttpResponse<String> reserved = reserveAcceptingVotes(shop, xid, tm.tokens().get(xid), "apple", 9);

            assertThat(reserved.statusCode()).as(reserved.body() + "\n" + shop.stock.log()).isEqualTo(200);
            assertThat(reserved.headers().firstValue(HttpHook.VOTES_HEADER)).as("the vote the Commit below leaves out").isPresent();
            assertThat(shop.stockHasPrepared()).as("the stock service's branch is prepared when it answers").isTrue();

            assertThat(tm.commit(xid, true).getOutcome()).isEqualTo(Outcome.COMMITTED);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(shop.stockHasPrepared()).isFalse());
            assertThat(shop.stockOf("apple")).as("the branch no decision named rolled back").isEqualTo(applesBefore);
            shop.assertNoPreparedTransactionsLeft();
        }
    }

    /** A request to the stock service as a caller's agent sends it: the transaction's XID and token, and votes accepted in the response. */
    private static HttpResponse<String> reserveAcceptingVotes(Shop shop, String xid, String token, String sku, int quantity) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(shop.stock.baseUrl() + "/reserve?sku=" + sku + "&quantity=" + quantity))
                .header(HttpHook.XID_HEADER, xid).header(HttpHook.TOKEN_HEADER, token).header(HttpHook.ACCEPT_VOTES_HEADER, "1")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
