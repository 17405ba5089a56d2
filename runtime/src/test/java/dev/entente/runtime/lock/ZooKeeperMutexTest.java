package dev.entente.runtime.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.protocol.config.SecurityProperties;
import dev.entente.testkit.ZooKeeperServers;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The lock recipe on a real ZooKeeper server (in this JVM, on loopback). Two {@link ZooKeeperMutex}
 * instances are two ZooKeeper sessions, as two processes would have.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ZooKeeperMutexTest {

    private static final String ROOT = "/entente/locks";
    private static final long WAIT = 30_000;

    private TestingServer zookeeper;
    private ZooKeeperMutex one;
    private ZooKeeperMutex two;
    private CuratorFramework inspector;

    @BeforeAll
    void start() throws Exception {
        zookeeper = ZooKeeperServers.loopback(Files.createTempDirectory("entente-mutex").toFile(), 500);
        one = mutex();
        two = mutex();
        inspector = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), 10_000, 5_000, new RetryOneTime(200));
        inspector.start();
    }

    private ZooKeeperMutex mutex() {
        return new ZooKeeperMutex(zookeeper.getConnectString(), SecurityProperties.none(SecurityProperties.Library.ZOOKEEPER), ROOT,
                Duration.ofSeconds(10), state -> { });
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {one, two, inspector, zookeeper}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void holdersOnManyThreadsOfTwoSessionsNeverOverlapAndTheirTokensGrow() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> takers = new ArrayList<>();
            for (ZooKeeperMutex mutex : List.of(one, two, one, two)) {
                takers.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        ZooKeeperMutex.Lease lease = mutex.acquire("many", WAIT);
                        assertThat(lease).isNotNull();
                        assertThat(inside.incrementAndGet()).as("holders inside at once").isEqualTo(1);
                        tokens.add(lease.token());
                        inside.decrementAndGet();
                        mutex.release(lease);
                    }
                    return null;
                }));
            }
            for (Future<?> taker : takers) {
                taker.get(100, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(tokens).hasSize(200);
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).as("token %d of %s", i, tokens).isGreaterThan(tokens.get(i - 1));
        }
        assertThat(leases("many")).isEmpty();
    }

    @Test
    void aLockTakenOnOneThreadIsGivenBackFromAnother() throws Exception {
        ZooKeeperMutex.Lease lease = CompletableFuture.supplyAsync(() -> take(one, "handed", WAIT)).get(60, TimeUnit.SECONDS);
        assertThat(inspector.checkExists().forPath(lease.path()).getCzxid()).isEqualTo(lease.token());
        assertThat(one.stillHeld(lease)).isTrue();

        CompletableFuture.runAsync(() -> one.release(lease)).get(60, TimeUnit.SECONDS);

        assertThat(one.stillHeld(lease)).isFalse();
        ZooKeeperMutex.Lease next = two.acquire("handed", WAIT);
        assertThat(next.token()).isGreaterThan(lease.token());
        two.release(next);
    }

    @Test
    void aWaiterWhosePredecessorGivesUpWaitsForTheHolderAndThenTakesTheLock() throws Exception {
        ZooKeeperMutex.Lease holder = one.acquire("line", WAIT);
        CompletableFuture<ZooKeeperMutex.Lease> impatient = CompletableFuture.supplyAsync(() -> take(two, "line", 2_000));
        await().atMost(Duration.ofSeconds(20)).until(() -> leases("line").size() == 2);
        CompletableFuture<ZooKeeperMutex.Lease> patient = CompletableFuture.supplyAsync(() -> take(one, "line", WAIT));
        await().atMost(Duration.ofSeconds(20)).until(() -> leases("line").size() == 3 || impatient.isDone());

        assertThat(impatient.get(60, TimeUnit.SECONDS)).as("the impatient waiter gave up").isNull();
        assertThat(patient).as("the holder still holds").isNotDone();
        one.release(holder);

        ZooKeeperMutex.Lease taken = patient.get(60, TimeUnit.SECONDS);
        assertThat(taken.token()).isGreaterThan(holder.token());
        assertThat(leases("line")).containsExactly(taken.path().substring(taken.path().lastIndexOf('/') + 1));
        one.release(taken);
        assertThat(leases("line")).isEmpty();
    }

    @Test
    void aWaiterPastItsWaitGetsNothingAndLeavesNoNode() throws Exception {
        ZooKeeperMutex.Lease holder = one.acquire("busy", WAIT);

        assertThat(two.acquire("busy", 500)).isNull();

        assertThat(leases("busy")).containsExactly(holder.path().substring(holder.path().lastIndexOf('/') + 1));
        one.release(holder);
    }

    /** A rolling upgrade: services still on the earlier recipe (InterProcessSemaphoreV2, one lease) and this one exclude each other. */
    @Test
    void excludesHoldersOfTheRecipeOfEarlierVersions() throws Exception {
        InterProcessSemaphoreV2 earlier = new InterProcessSemaphoreV2(inspector, ROOT + "/mixed", 1);

        ZooKeeperMutex.Lease lease = one.acquire("mixed", WAIT);
        assertThat(earlier.acquire(500, TimeUnit.MILLISECONDS)).as("the earlier recipe while this one holds").isNull();
        one.release(lease);

        Lease earlierLease = earlier.acquire(WAIT, TimeUnit.MILLISECONDS);
        assertThat(earlierLease).isNotNull();
        assertThat(two.acquire("mixed", 500)).as("this recipe while the earlier one holds").isNull();
        long earlierToken = inspector.checkExists().forPath(ROOT + "/mixed/leases/" + earlierLease.getNodeName()).getCzxid();
        CompletableFuture<ZooKeeperMutex.Lease> waiter = CompletableFuture.supplyAsync(() -> take(two, "mixed", WAIT));
        await().atMost(Duration.ofSeconds(20)).until(() -> leases("mixed").size() == 2);
        assertThat(waiter).isNotDone();
        earlierLease.close();

        ZooKeeperMutex.Lease next = waiter.get(60, TimeUnit.SECONDS);
        assertThat(next.token()).isGreaterThan(earlierToken).isGreaterThan(lease.token());
        two.release(next);
    }

    private static ZooKeeperMutex.Lease take(ZooKeeperMutex mutex, String key, long waitMillis) {
        try {
            return mutex.acquire(key, waitMillis);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> leases(String key) throws Exception {
        String path = ROOT + "/" + key + "/leases";
        Stat stat = inspector.checkExists().forPath(path);
        return stat == null ? List.of() : inspector.getChildren().forPath(path);
    }
}
