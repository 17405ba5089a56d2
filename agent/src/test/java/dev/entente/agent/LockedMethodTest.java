package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.CounterService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import dev.entente.testkit.TcpProxy;
import dev.entente.testkit.TestDatabases;
import dev.entente.testkit.ZooKeeperServers;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @Locked} in real application JVMs with the agent, on a real ZooKeeper server (in this JVM,
 * on loopback), a real coordinator process and real PostgreSQL and MariaDB: issue 4's tests 1, 2, 4
 * and 5, and a ZooKeeper unreachable at start-up. Test 3 (leader change) is
 * {@link LockFencingAcrossLeaderChangeTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class LockedMethodTest {

    static final String ROOT = "/entente/locks";
    private static final String CLUSTER = "locks-it";
    private static final int INCREMENTS_PER_JVM = 1000;
    private static final int BATCH = 100;

    private Path work;
    private TestingServer zookeeper;
    private CuratorFramework inspector;
    private CoordinatorProcess coordinator;
    private String postgresUrl;
    private String mariadbUrl;
    private String agent;
    private ServiceProcess first;
    private ServiceProcess second;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("entente-locks");
        zookeeper = zooKeeperServer(work.resolve("zk").toFile());
        inspector = inspector(zookeeper.getConnectString());
        postgresUrl = TestDatabases.postgres().createDatabase("locks");
        mariadbUrl = TestDatabases.mariadb().createDatabase("locks");
        for (String url : List.of(postgresUrl, mariadbUrl)) {
            Shop.execute(url, "create table counters (name varchar(40) primary key, value bigint not null)");
            Shop.execute(url, "insert into counters values ('jvms', 0), ('phase2', 0)");
        }
        Shop.execute(postgresUrl, "create table writes (name varchar(40) not null, token bigint not null)");
        coordinator = CoordinatorProcess.dev(work, "--cluster-id", CLUSTER).start().awaitServing();
        agent = "coordinator=" + coordinator.clientAddress() + ",cluster=" + CLUSTER + ",app=counter";
        first = counterService("counter-1", zookeeper.getConnectString(), "");
        second = counterService("counter-2", zookeeper.getConnectString(), "");
    }

    /** A ZooKeeper server on loopback with a short tick, so sessions may be as short as 1 s. */
    static TestingServer zooKeeperServer(File dataDir) throws Exception {
        return ZooKeeperServers.loopback(dataDir, 500);
    }

    static CuratorFramework inspector(String connectString) {
        CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, 10_000, 5_000, new RetryOneTime(200));
        client.start();
        return client;
    }

    private ServiceProcess counterService(String name, String zookeeperAddress, String extraSettings) {
        return ServiceProcess.start(work, name, agent + ",zookeeper=" + zookeeperAddress + extraSettings,
                CounterService.class, postgresUrl, mariadbUrl);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {first, second, coordinator, inspector, zookeeper}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    /** Test 1: two JVMs read-modify-write one row thousands of times, guarded only by @Locked. */
    @Test
    void twoJvmsIncrementingUnderTheLockLoseNoUpdate() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<Void> one = CompletableFuture.runAsync(() -> incrementInBatches(first));
        CompletableFuture<Void> two = CompletableFuture.runAsync(() -> incrementInBatches(second));
        CompletableFuture.allOf(one, two).get(240, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(Shop.count(postgresUrl, "select value from counters where name = 'jvms'")).isEqualTo(2 * INCREMENTS_PER_JVM);
        System.out.printf("test 1: 2 JVMs x %d locked increments in %d ms (%.1f ms per increment)%n",
                INCREMENTS_PER_JVM, millis, millis / (2.0 * INCREMENTS_PER_JVM));
        assertNoLockNodesLeft("counter:jvms");
    }

    private void incrementInBatches(ServiceProcess service) {
        for (int done = 0; done < INCREMENTS_PER_JVM; done += BATCH) {
            try {
                HttpResponse<String> reply = service.post("/increment?name=jvms&times=" + BATCH);
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Test 2: inside global transactions with branches on PostgreSQL and MariaDB, the lock is held until
     * phase 2 committed every branch: a transaction that enters never finds the previous holder's
     * branch still prepared, and no update is lost on either database (reads are not locking reads,
     * so a holder entering before the previous one's phase 2 would read the old value).
     */
    @Test
    void aTransactionEntersOnlyAfterThePreviousHoldersBranchesCommitted() throws Exception {
        int perJvm = 30;
        CompletableFuture<List<String>> one = CompletableFuture.supplyAsync(() -> incrementEverywhere(first, perJvm));
        CompletableFuture<List<String>> two = CompletableFuture.supplyAsync(() -> incrementEverywhere(second, perJvm));

        List<String> replies = new java.util.ArrayList<>(one.get(240, TimeUnit.SECONDS));
        replies.addAll(two.get(240, TimeUnit.SECONDS));

        assertThat(replies).hasSize(2 * perJvm).allMatch(reply -> reply.equals("prepared at entry 0"));
        assertThat(Shop.count(postgresUrl, "select value from counters where name = 'phase2'")).isEqualTo(2 * perJvm);
        assertThat(Shop.count(mariadbUrl, "select value from counters where name = 'phase2'")).isEqualTo(2 * perJvm);
        assertNoLockNodesLeft("counter:phase2");
    }

    private static List<String> incrementEverywhere(ServiceProcess service, int times) {
        List<String> replies = new java.util.ArrayList<>();
        for (int i = 0; i < times; i++) {
            try {
                HttpResponse<String> reply = service.post("/increment-everywhere?name=phase2");
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                replies.add(reply.body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return replies;
    }

    /**
     * Test 4: the ZooKeeper session of a transaction's lock expires (its connection is cut past the
     * session timeout): the transaction rolls back, its branch never prepares, and the next holder
     * gets a larger fencing token.
     */
    @Test
    void sessionExpiryWhileHoldingRollsTheTransactionBackAndTheNextHolderGetsALargerToken() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", zookeeper.getPort());
             ServiceProcess service = counterService("counter-expiring", proxy.address(), ",zookeeper-session-timeout=2000")) {
            CompletableFuture<HttpResponse<String>> reply = service.postAsync("/write-with-token?key=expiring&sleep=8000");
            await().atMost(Duration.ofSeconds(20)).until(() -> service.log().contains("holding expiring with token "));
            String leases = ROOT + "/expiring/leases";
            String lease = leases + "/" + children(leases).get(0);
            long firstToken = inspector.checkExists().forPath(lease).getCzxid();
            assertThat(service.log()).contains("holding expiring with token " + firstToken);

            proxy.cut();
            // the server expires the session after 2 s without a word from the client: the lease node goes
            await().atMost(Duration.ofSeconds(30)).until(() -> inspector.checkExists().forPath(lease) == null);
            proxy.restore();

            HttpResponse<String> failed = reply.get(60, TimeUnit.SECONDS);
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
            assertThat(failed.body()).contains("lock on key 'expiring'").contains("lost");
            assertThat(Shop.count(postgresUrl, "select count(*) from writes where name = 'expiring'")).isZero();

            HttpResponse<String> next = service.post("/write-with-token?key=expiring&sleep=0");
            assertThat(next.statusCode()).as(next.body() + "\n" + service.log()).isEqualTo(200);
            long secondToken = Long.parseLong(next.body().substring("token ".length()));
            assertThat(secondToken).isGreaterThan(firstToken);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(Shop.count(postgresUrl, "select count(*) from writes where name = 'expiring' and token = "
                            + secondToken)).isEqualTo(1));
            assertThat(service.log()).contains("the @Locked lock on key 'expiring'").contains("is lost");
        }
    }

    /** Test 5: a waiter past its waitMillis fails naming the key and the wait, and leaves no node behind. */
    @Test
    void waitingPastWaitMillisFailsNamingTheKeyAndLeavesNoNode() throws Exception {
        CompletableFuture<HttpResponse<String>> holder = first.postAsync("/hold?key=busy&sleep=4000");
        String leases = ROOT + "/busy/leases";
        await().atMost(Duration.ofSeconds(20)).until(() -> children(leases).size() == 1);
        List<String> holderNode = children(leases);

        HttpResponse<String> waiter = second.post("/hold-if-free?key=busy");

        assertThat(waiter.statusCode()).isEqualTo(500);
        assertThat(waiter.body()).startsWith("LockNotAcquiredException: ")
                .contains("key 'busy'").contains("500 ms").contains("CounterService.holdIfFree");
        assertThat(children(leases)).as("only the holder's lease").isEqualTo(holderNode);
        assertThat(children(ROOT + "/busy/locks")).as("the waiter's place in line").isEmpty();

        assertThat(holder.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertNoLockNodesLeft("busy");
    }

    /** ZooKeeper unreachable at start-up: the service starts, unlocked work commits, @Locked methods fail clearly. */
    @Test
    void aZooKeeperUnreachableAtStartUpFailsOnlyLockedMethods() throws Exception {
        Shop.execute(postgresUrl, "insert into counters values ('no-zookeeper', 0)");
        String nowhere = "127.0.0.1:" + FreePorts.next();
        try (ServiceProcess isolated = counterService("counter-no-zookeeper", nowhere, "")) {
            HttpResponse<String> unlocked = isolated.post("/increment-unlocked?name=no-zookeeper");
            HttpResponse<String> locked = isolated.post("/hold-if-free?key=nowhere");

            assertThat(unlocked.statusCode()).as(unlocked.body() + "\n" + isolated.log()).isEqualTo(200);
            assertThat(unlocked.body()).isEqualTo("now 1");
            assertThat(locked.statusCode()).isEqualTo(500);
            assertThat(locked.body()).startsWith("LockNotAcquiredException: ").contains("key 'nowhere'")
                    .contains("ZooKeeper at " + nowhere + " was not reachable");
        }
    }

    private List<String> children(String path) throws Exception {
        Stat stat = inspector.checkExists().forPath(path);
        return stat == null ? List.of() : inspector.getChildren().forPath(path);
    }

    private void assertNoLockNodesLeft(String key) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(children(ROOT + "/" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8) + "/leases"))
                    .isEmpty();
            assertThat(children(ROOT + "/" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8) + "/locks"))
                    .isEmpty();
        });
    }
}
