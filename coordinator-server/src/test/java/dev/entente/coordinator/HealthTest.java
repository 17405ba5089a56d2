package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.RaftLinks;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health probes of a three-node cluster of real coordinator processes: {@code /health/live} and
 * {@code /health/ready} on the admin port, the gRPC health service on the client port; ready on every
 * node of a whole cluster, not ready while there is no leader, and not ready on a node cut off from the others.
 */
@Timeout(300)
class HealthTest {

    @TempDir
    Path work;
    private final RaftLinks links = new RaftLinks();
    private CoordinatorCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        links.close();
    }

    private CoordinatorCluster startCluster() {
        cluster = new CoordinatorCluster(work, 3, links).start();
        cluster.nodes().forEach(HealthTest::awaitReady);
        return cluster;
    }

    @Test
    void everyNodeOfAWholeClusterIsLiveAndReadyAndOnlyTheLeaderServesTransactions() {
        startCluster();
        CoordinatorProcess leader = cluster.awaitLeader();

        for (CoordinatorProcess node : cluster.nodes()) {
            // a node that missed a heartbeat's deadline on a loaded machine is not ready for that moment
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(probe(node, "/health/live").status()).as(node.name()).isEqualTo(200);
                Probe ready = probe(node, "/health/ready");
                assertThat(ready.status()).as(node.name()).isEqualTo(200);
                assertThat(ready.body()).contains("\"status\" : \"ready\"").contains("leader " + leader.name());
            });
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(grpcHealth(node, "")).as(node.name()).isEqualTo(ServingStatus.SERVING);
                assertThat(grpcHealth(node, CoordinatorGrpc.SERVICE_NAME)).as(node.name())
                        .isEqualTo(node == leader ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
            });
        }
    }

    @Test
    void whenTheLeaderDiesTheOthersAreNotReadyUntilANewLeaderIsElected() throws Exception {
        startCluster();
        CoordinatorProcess oldLeader = cluster.awaitLeader();
        List<CoordinatorProcess> survivors = cluster.followers(oldLeader);
        Map<String, List<String>> notReady = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        List<Thread> watchers = new ArrayList<>();
        for (CoordinatorProcess node : survivors) {
            List<String> reasons = new CopyOnWriteArrayList<>();
            notReady.put(node.name(), reasons);
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    Probe ready = probe(node, "/health/ready");
                    // status 0, a probe the node did not answer in time (busy after the kill), says nothing of its readiness
                    if (ready.status() != 200 && ready.status() != 0) {
                        reasons.add(ready.status() + " " + ready.body());
                    }
                    pause(20);
                }
            }, "ready-watch-" + node.name());
            watcher.setDaemon(true);
            watcher.start();
            watchers.add(watcher);
        }

        oldLeader.kill9();
        CoordinatorProcess newLeader = cluster.awaitLeader();
        for (CoordinatorProcess node : survivors) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(probe(node, "/health/ready"))
                    .satisfies(ready -> assertThat(ready.status()).isEqualTo(200))
                    .satisfies(ready -> assertThat(ready.body()).contains("leader " + newLeader.name())));
        }
        watching.set(false);
        for (Thread watcher : watchers) {
            watcher.join();
        }

        for (CoordinatorProcess node : survivors) {
            assertThat(notReady.get(node.name())).as(node.name() + " was not ready between the kill and the new leader")
                    .isNotEmpty()
                    .allSatisfy(reason -> assertThat(reason).startsWith("503 ").contains("\"status\" : \"not ready\""))
                    .anySatisfy(reason -> assertThat(reason).containsAnyOf("knows no leader",
                            "last heard from leader " + oldLeader.name(), "just elected"));
        }
    }

    @Test
    void aNodeCutOffFromTheOthersIsNotReadyWhileTheOthersAre() {
        startCluster();
        CoordinatorProcess leader = cluster.awaitLeader();
        CoordinatorProcess cutOff = cluster.followers(leader).get(0);
        CoordinatorProcess other = cluster.followers(leader).get(1);

        links.isolate(cutOff.name());
        await().atMost(Duration.ofSeconds(15)).until(() -> probe(cutOff, "/health/ready").status() == 503);
        for (int i = 0; i < 10; i++) { // and it stays so, while the two that hear each other serve
            assertThat(answer(cutOff, "/health/ready").status()).as(cutOff.name() + " cut off").isEqualTo(503);
            assertThat(answer(cutOff, "/health/live").status()).as(cutOff.name() + " cut off but alive").isEqualTo(200);
            // either may miss a heartbeat's deadline on a loaded machine, and be not ready for that moment
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(probe(leader, "/health/ready").status()).as(leader.name() + ", the leader").isEqualTo(200);
                assertThat(probe(other, "/health/ready").status()).as(other.name()).isEqualTo(200);
            });
            pause(300);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> grpcHealth(cutOff, "") == ServingStatus.NOT_SERVING);

        links.restore();
        awaitReady(cutOff);

        // a leader cut off from both followers is not ready either; the two others elect a new one
        links.isolate(leader.name());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(probe(leader, "/health/ready"))
                .satisfies(ready -> assertThat(ready.status()).isEqualTo(503)));
        for (CoordinatorProcess node : List.of(cutOff, other)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(probe(node, "/health/ready"))
                    .satisfies(ready -> assertThat(ready.status()).isEqualTo(200))
                    .satisfies(ready -> assertThat(ready.body()).doesNotContain("leader " + leader.name())));
        }
        assertThat(answer(leader, "/health/ready").status()).as(leader.name() + ", the old leader, cut off").isEqualTo(503);
    }

    private static void awaitReady(CoordinatorProcess node) {
        await().atMost(Duration.ofSeconds(60)).until(() -> probe(node, "/health/ready").status() == 200);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The node's first answer to the probe, asked again while it does not answer in time (for at most 10 s). */
    private static Probe answer(CoordinatorProcess node, String path) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> probe(node, path), probe -> probe.status() != 0);
    }

    /** A probe's answer: its HTTP status and body. */
    private record Probe(int status, String body) {
    }

    /** The probe's answer; a node that does not answer reads as status 0 (so a wait can go on). */
    private static Probe probe(CoordinatorProcess node, String path) {
        try {
            HttpResponse<String> response = node.adminResponse("GET", path);
            return new Probe(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Probe(0, "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ServingStatus grpcHealth(CoordinatorProcess node, String service) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(node.clientAddress(), InsecureChannelCredentials.create()).build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
        } finally {
            channel.shutdownNow();
        }
    }
}
