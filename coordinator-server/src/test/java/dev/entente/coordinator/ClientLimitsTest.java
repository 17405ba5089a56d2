package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 4: what an application can make the leader hold is bounded. One real coordinator
 * process with small limits (its node options); each test floods one limit, is refused with
 * RESOURCE_EXHAUSTED naming the limit and its option, and finds the node's gauges bounded. Its Kafka
 * is an address nobody listens on: every topic lookup waits the full 3 s for no answer, the worst
 * case for the topic-settings cache.
 */
@Timeout(120)
class ClientLimitsTest {

    private static final int TRANSACTIONS_PER_APP = 5;
    private static final int BRANCHES = 3;
    private static final int MESSAGES = 3;
    private static final int MESSAGE_BYTES = 2048;
    private static final int HELD_BYTES = 16_384;
    private static final int CACHED_TOPICS = 4;
    private static final int TOPIC_LOOKUPS = 3;

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    static CoordinatorClient client;
    static String kafka;

    @BeforeAll
    static void start() {
        kafka = "127.0.0.1:" + FreePorts.next();
        coordinator = CoordinatorProcess.dev(work, "--kafka", kafka,
                "--max-transactions-per-app", String.valueOf(TRANSACTIONS_PER_APP),
                "--max-branches-per-transaction", String.valueOf(BRANCHES),
                "--max-messages-per-transaction", String.valueOf(MESSAGES),
                "--max-message-bytes-per-transaction", String.valueOf(MESSAGE_BYTES),
                "--max-held-bytes", String.valueOf(HELD_BYTES),
                "--max-cached-topics", String.valueOf(CACHED_TOPICS),
                "--max-topic-lookups", String.valueOf(TOPIC_LOOKUPS)).start().awaitServing();
        client = CoordinatorClient.connect(coordinator.clientAddress());
    }

    @AfterAll
    static void stop() {
        client.close();
        coordinator.close();
    }

    @Test
    void anApplicationPastItsInFlightTransactionsIsRefusedUntilOneIsDecided() {
        List<String> held = new ArrayList<>();
        for (int i = 0; i < TRANSACTIONS_PER_APP; i++) {
            String xid = TestTransactions.begin(client, "flood", 60_000);
            client.registerBranch(xid, 1, "db", "rm-1");
            held.add(xid);
        }
        for (int i = 0; i < 50; i++) { // a flood: each further XID is refused, and nothing of it is held
            String refused = TestTransactions.begin(client, "flood", 60_000);
            assertThatThrownBy(() -> client.registerBranch(refused, 1, "db", "rm-1"))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
                    .hasMessageContaining("application 'flood' has " + TRANSACTIONS_PER_APP + " undecided transactions")
                    .hasMessageContaining("--max-transactions-per-app");
        }
        assertThat(coordinator.metric("entente_transactions_in_flight")).isLessThanOrEqualTo(TRANSACTIONS_PER_APP + 1L);
        assertThat(coordinator.metric("entente_limit_refusals_total")).isPositive();

        // the owner's Commit of another XID rolls back at once, naming the limit (its prepared branches go free)
        String committed = TestTransactions.begin(client, "flood", 60_000);
        OutcomeReply refused = client.commit(committed, false);
        assertThat(refused.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(refused.getReason()).contains("--max-transactions-per-app");

        String othersMayBegin = TestTransactions.begin(client, "bystander", 60_000);
        client.registerBranch(othersMayBegin, 1, "db", "rm-2");
        client.rollback(othersMayBegin, "done", false);

        client.rollback(held.remove(0), "done", false);
        String again = TestTransactions.begin(client, "flood", 60_000);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> client.registerBranch(again, 1, "db", "rm-1"));
        held.add(again);
        held.forEach(xid -> client.rollback(xid, "done", false));
    }

    @Test
    void aTransactionPastItsBranchesIsRefusedTheNextOne() {
        String xid = TestTransactions.begin(client, "branches", 60_000);
        for (long branch = 1; branch <= BRANCHES; branch++) {
            client.registerBranch(xid, branch, "db", "rm-1");
        }
        client.registerBranch(xid, 1, "db", "rm-1"); // a retry adds nothing
        assertThatThrownBy(() -> client.registerBranch(xid, BRANCHES + 1, "db", "rm-1"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
                .hasMessageContaining("branch " + (BRANCHES + 1) + " refused")
                .hasMessageContaining("the limit is " + BRANCHES + " (--max-branches-per-transaction)");
        BranchReport unregistered = BranchReport.newBuilder().setXid(xid).setBranchId(BRANCHES + 2).setResource("db")
                .setInstanceId("rm-1").setVote(BranchVote.PREPARED).build();
        assertThatThrownBy(() -> client.reportBranch(unregistered))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
                .hasMessageContaining("--max-branches-per-transaction");
        client.reportBranch(xid, 1, BranchVote.PREPARED, ""); // the branches it has still vote
        client.rollback(xid, "done", false);

        // votes riding the owner's Commit past the limit make it a rollback naming the limit
        String owned = TestTransactions.begin(client, "branches", 60_000);
        List<BranchReport> votes = LongStream.rangeClosed(1, BRANCHES + 1).mapToObj(branch -> BranchReport.newBuilder()
                .setXid(owned).setBranchId(branch).setResource("db").setInstanceId("rm-1").setVote(BranchVote.PREPARED).build())
                .toList();
        OutcomeReply outcome = client.commit(owned, false, votes);
        assertThat(outcome.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(outcome.getReason()).contains("--max-branches-per-transaction");
    }

    @Test
    void messagesPastATransactionsLimitsOrTheLeadersAreRefused() {
        String topic = "limits-orders";
        String xid = TestTransactions.begin(client, "publisher", 60_000);
        assertThatThrownBy(() -> client.publish(xid, kafka, messages(topic, MESSAGES + 1, 10)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
                .hasMessageContaining("would carry " + (MESSAGES + 1) + " messages")
                .hasMessageContaining("the limit is " + MESSAGES + " (--max-messages-per-transaction)");
        assertThatThrownBy(() -> client.publish(xid, kafka, messages(topic, 1, MESSAGE_BYTES + 1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
                .hasMessageContaining("--max-message-bytes-per-transaction");
        client.rollback(xid, "done", false);

        String holder = TestTransactions.begin(client, "publisher", 60_000);
        client.registerBranch(holder, 1, "db", "rm-1");
        long before = coordinator.metric("entente_held_bytes");
        client.publish(holder, kafka, messages(topic, 1, 1500));
        assertThat(coordinator.metric("entente_held_bytes") - before).isBetween(1500L, 1600L); // its messages are held until it leaves
        client.rollback(holder, "done", false);
    }

    /**
     * Applications that each stay within their own limits still cannot make the leader hold more than
     * --max-held-bytes: a flood of transactions from many applications is refused at it, and a
     * transaction decided makes room again.
     */
    @Test
    void aFloodFromManyApplicationsStopsAtTheLeadersBudget() {
        List<String> held = new ArrayList<>();
        String refusal = null;
        for (int app = 0; app < 10 && refusal == null; app++) {
            for (int i = 0; i < TRANSACTIONS_PER_APP && refusal == null; i++) {
                String xid = TestTransactions.begin(client, "many-" + app, 60_000);
                try {
                    client.registerBranch(xid, 1, "db", "rm-1");
                    held.add(xid);
                } catch (CoordinatorException e) {
                    assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    refusal = e.getMessage();
                }
            }
        }
        assertThat(refusal).contains("bytes for undecided transactions").contains("the limit is " + HELD_BYTES + " (--max-held-bytes)");
        assertThat(held.size()).isGreaterThan(TRANSACTIONS_PER_APP); // several applications, none at its own limit
        assertThat(coordinator.metric("entente_held_bytes")).isLessThanOrEqualTo(HELD_BYTES);

        client.rollback(held.remove(0), "done", false);
        String again = TestTransactions.begin(client, "many-0", 60_000);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> client.registerBranch(again, 1, "db", "rm-1"));
        held.add(again);
        held.forEach(xid -> client.rollback(xid, "done", false));
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.metric("entente_held_bytes") == 0);
    }

    /**
     * Topic names come from clients: a flood of distinct ones, with Kafka not answering, holds at most
     * --max-topic-lookups gRPC threads (the others are refused at once) and at most --max-cached-topics
     * cache entries.
     */
    @Test
    void aFloodOfTopicNamesHoldsFewThreadsAndABoundedCache() {
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            for (int round = 0; round < 2; round++) {
                String xid = TestTransactions.begin(client, "topics", 60_000);
                int first = round * 12;
                long started = System.nanoTime();
                List<CompletableFuture<Status.Code>> calls = IntStream.range(first, first + 12)
                        .mapToObj(i -> CompletableFuture.supplyAsync(() -> publishCode(xid, "flood-" + i), callers)).toList();
                Map<Status.Code, Long> codes = calls.stream().map(CompletableFuture::join)
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                assertThat(codes.getOrDefault(Status.Code.OK, 0L)).as(codes.toString()).isLessThanOrEqualTo(TOPIC_LOOKUPS);
                assertThat(codes.get(Status.Code.RESOURCE_EXHAUSTED)).as(codes.toString()).isGreaterThanOrEqualTo(12L - TOPIC_LOOKUPS);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
                assertThat(coordinator.metric("entente_topic_cache_entries")).isLessThanOrEqualTo(CACHED_TOPICS);
                client.rollback(xid, "done", false);
            }
            assertThat(coordinator.metric("entente_topic_cache_entries")).isEqualTo(CACHED_TOPICS); // 6 looked up, 4 kept
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * The limit is on topics looked up at once, not on calls: a burst of transactions publishing to one
     * topic the coordinator has not seen (a service's first orders) shares one lookup and none is refused.
     */
    @Test
    void aBurstOfCallsNamingOneNewTopicSharesOneLookup() {
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<String> xids = IntStream.range(0, 12).mapToObj(i -> TestTransactions.begin(client, "burst-" + i, 60_000)).toList();
            List<CompletableFuture<Status.Code>> calls = xids.stream()
                    .map(xid -> CompletableFuture.supplyAsync(() -> publishCode(xid, "burst-topic"), callers)).toList();
            Map<Status.Code, Long> codes = calls.stream().map(CompletableFuture::join)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(codes).as("12 calls naming one topic, --max-topic-lookups " + TOPIC_LOOKUPS)
                    .isEqualTo(Map.of(Status.Code.OK, 12L));
            xids.forEach(xid -> client.rollback(xid, "done", false));
        } finally {
            callers.shutdownNow();
        }
    }

    private static Status.Code publishCode(String xid, String topic) {
        try {
            client.publish(xid, kafka, messages(topic, 1, 10));
            return Status.Code.OK;
        } catch (CoordinatorException e) {
            if (e.code() == Status.Code.RESOURCE_EXHAUSTED) {
                assertThat(e).hasMessageContaining("--max-topic-lookups");
            }
            return e.code();
        }
    }

    private static List<OutgoingMessage> messages(String topic, int count, int valueBytes) {
        return IntStream.range(0, count).mapToObj(i -> OutgoingMessage.newBuilder().setMessageId(UUID.randomUUID().toString())
                .setTopic(topic).setValue(ByteString.copyFrom(new byte[valueBytes])).build()).toList();
    }

    private static Status.Code code(Throwable e) {
        return ((CoordinatorException) e).code();
    }
}
