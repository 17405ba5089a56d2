package dev.entente.sandbox;

import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import dev.entente.testkit.ZooKeeperServers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.test.TestingServer;

/**
 * Everything the shop's services need, on loopback: a single-node coordinator (its own process), a
 * ZooKeeper server (in this process) for {@code @Locked}, and PostgreSQL and MariaDB servers (embedded, from Maven artifacts; or the servers named by
 * {@code ENTENTE_TEST_PG_URL} / {@code ENTENTE_TEST_MARIADB_URL}).
 */
public final class Sandbox implements AutoCloseable {

    /** The cluster id of the sandbox's coordinator: recovery touches only this cluster's branches. */
    public static final String CLUSTER = "sandbox";

    private final Path work;
    private final CoordinatorProcess coordinator;
    private final TestDatabase postgres;
    private final TestDatabase mariadb;
    private final TestingServer zookeeper;
    private final String postgresUrl;
    private final String mariadbUrl;

    private Sandbox(Path work, CoordinatorProcess coordinator, TestDatabase postgres, TestDatabase mariadb,
                    TestingServer zookeeper) {
        this.work = work;
        this.coordinator = coordinator;
        this.postgres = postgres;
        this.mariadb = mariadb;
        this.zookeeper = zookeeper;
        this.postgresUrl = postgres.createDatabase("sandbox");
        this.mariadbUrl = mariadb.createDatabase("sandbox");
    }

    /** Starts the coordinator and both databases; {@code work} holds the coordinator's data and logs. */
    public static Sandbox start(Path work, PrintStream progress) throws Exception {
        Files.createDirectories(work);
        progress.println("starting the coordinator, ZooKeeper, PostgreSQL and MariaDB (embedded databases take up to a "
                + "minute the first time)...");
        CoordinatorProcess coordinator = CoordinatorProcess.dev(work, "--cluster-id", CLUSTER).start();
        TestingServer zookeeper = null;
        try {
            zookeeper = ZooKeeperServers.loopback(work.resolve("zookeeper").toFile(), 500);
            TestDatabase postgres = TestDatabases.postgres();
            TestDatabase mariadb = TestDatabases.mariadb();
            coordinator.awaitServing();
            return new Sandbox(work, coordinator, postgres, mariadb, zookeeper);
        } catch (Exception e) {
            coordinator.close();
            if (zookeeper != null) {
                zookeeper.close();
            }
            throw e;
        }
    }

    public Path work() {
        return work;
    }

    public String coordinatorAddress() {
        return coordinator.clientAddress();
    }

    public String zookeeperAddress() {
        return zookeeper.getConnectString();
    }

    public TestDatabase postgres() {
        return postgres;
    }

    public TestDatabase mariadb() {
        return mariadb;
    }

    /**
     * What services need to reach the sandbox, as the environment variables they read; the database
     * URLs name an empty database {@code sandbox}, created afresh at start.
     */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("ENTENTE_COORDINATOR", coordinatorAddress());
        environment.put("ENTENTE_CLUSTER", CLUSTER);
        environment.put("ENTENTE_ZOOKEEPER", zookeeperAddress());
        environment.put("ENTENTE_PG_URL", postgresUrl);
        environment.put("ENTENTE_MARIADB_URL", mariadbUrl);
        return environment;
    }

    @Override
    public void close() {
        coordinator.close();
        try {
            zookeeper.close();
        } catch (Exception e) {
            System.err.println("sandbox: stopping ZooKeeper: " + e.getMessage());
        }
    }

    /** {@code bin/entente sandbox [--work DIR]}: prints NAME=value lines and {@code ready}, runs until stopped. */
    public static void main(String[] args) throws Exception {
        Path work = args.length == 2 && args[0].equals("--work") ? Path.of(args[1])
                : Files.createTempDirectory("entente-sandbox");
        if (args.length != 0 && args.length != 2) {
            System.err.println("usage: entente sandbox [--work DIR]");
            System.exit(2);
        }
        Sandbox sandbox = start(work, System.err);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "sandbox-stop"));
        sandbox.environment().forEach((name, value) -> System.out.println(name + "=" + value));
        System.out.println("ready");
        System.out.flush();
        stopped.await();
    }
}
