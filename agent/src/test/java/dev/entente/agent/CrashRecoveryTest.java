package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.testing.Shop;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Services killed with SIGKILL in the middle of a global transaction: the outcome the coordinator
 * decided stands, and the branches left prepared in the databases are finished when the service comes
 * back. Each test runs its own shop, since it kills part of it.
 */
@Timeout(240)
class CrashRecoveryTest {

    private Shop shop;

    @AfterEach
    void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    @Test
    void aCommitDecidedWhileBIsDeadIsCarriedOutWhenBRestarts() throws Exception {
        shop = new Shop("crash_b", "hikari");
        // B's branch is prepared, and B dies before the commit
        HttpResponse<String> answer = shop.orderWhileTheStockServiceDiesAfterPrepare("k1", "apple", 7);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(shop.ordersWithId("k1")).isEqualTo(1);
        assertThat(shop.stockOf("apple")).as("B is dead: its branch is still prepared").isEqualTo(1000);
        assertThat(shop.stockHasPrepared()).isTrue();

        shop.stock.restart();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(shop.stockOf("apple")).isEqualTo(993));
        shop.assertNoPreparedTransactionsLeft();
    }

    @Test
    void killingTheTransactionManagerRollsEverythingBack() throws Exception {
        shop = new Shop("crash_a", "hikari");
        // A's own branch and B's are prepared while A sleeps; A dies before it can commit.
        CompletableFuture<HttpResponse<String>> reply = shop.orders.postAsync("/order?id=k2&sku=pear&quantity=9&sleep=60000");
        await().atMost(Duration.ofSeconds(10)).until(shop::stockHasPrepared);
        shop.orders.kill9();
        assertThat(reply).failsWithin(Duration.ofSeconds(30));

        // The coordinator times the transaction out (3 s) and rolls back B, which is alive.
        await().atMost(Duration.ofSeconds(30)).until(() -> !shop.stockHasPrepared());
        assertThat(shop.stockOf("pear")).isEqualTo(1000);

        // A's own prepared branch waits for A (or another instance of it) to come back.
        shop.orders.restart();

        shop.assertNoPreparedTransactionsLeft();
        assertThat(shop.ordersWithId("k2")).isZero();
        assertThat(shop.stockOf("pear")).isEqualTo(1000);
    }
}
