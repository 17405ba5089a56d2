package dev.entente.sandbox;

import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.KafkaBroker;
import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import dev.entente.testkit.ZooKeeperServers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;

/**
 * Everything the shop's services need, on loopback: a single-node coordinator (its own process), a
 * ZooKeeper server (in this process) for {@code @Locked}, a Kafka broker (in this process, its log in
 * the working directory) for {@code @Publish}, and PostgreSQL and MariaDB servers (embedded, from Maven
 * artifacts; or the servers named by {@code ENTENTE_TEST_PG_URL} / {@code ENTENTE_TEST_MARIADB_URL}).
 */
public final class Sandbox implements AutoCloseable {

    /** The name of the sandbox's coordinator cluster (its id adds a random part); services check they reach it. */
    public static final String CLUSTER = "sandbox";
    /** The topic the order service publishes {@code OrderPlaced} to (its {@code @Publish}), created at start. */
    public static final String ORDERS_TOPIC = "orders.placed";
    static final int ORDERS_PARTITIONS = 3;

    private final Path work;
    private final CoordinatorProcess coordinator;
    private final TestDatabase postgres;
    private final TestDatabase mariadb;
    private final TestingServer zookeeper;
    private final KafkaBroker kafka;
    private final String postgresUrl;
    private final String mariadbUrl;

    private Sandbox(Path work, CoordinatorProcess coordinator, TestDatabase postgres, TestDatabase mariadb,
                    TestingServer zookeeper, KafkaBroker kafka) {
        this.work = work;
        this.coordinator = coordinator;
        this.postgres = postgres;
        this.mariadb = mariadb;
        this.zookeeper = zookeeper;
        this.kafka = kafka;
        this.postgresUrl = postgres.createDatabase("sandbox");
        this.mariadbUrl = mariadb.createDatabase("sandbox");
    }

    /**
     * Starts the coordinator, ZooKeeper, Kafka and both databases; {@code work} holds the coordinator's
     * data, Kafka's log (emptied at every start, as the databases are) and the logs.
     */
    public static Sandbox start(Path work, PrintStream progress) throws Exception {
        Files.createDirectories(work);
        progress.println("starting the coordinator, ZooKeeper, Kafka, PostgreSQL and MariaDB (embedded databases take up to a "
                + "minute the first time)...");
        KafkaBroker kafka = new KafkaBroker(emptied(work.resolve("kafka")));
        CoordinatorProcess coordinator = CoordinatorProcess.dev(work, "--cluster-id", CLUSTER,
                "--kafka", kafka.bootstrapServers()).start();
        TestingServer zookeeper = null;
        try {
            zookeeper = ZooKeeperServers.loopback(work.resolve("zookeeper").toFile(), 500);
            kafka.start();
            kafka.createTopic(ORDERS_TOPIC, ORDERS_PARTITIONS);
            TestDatabase postgres = TestDatabases.postgres();
            TestDatabase mariadb = TestDatabases.mariadb();
            coordinator.awaitServing();
            return new Sandbox(work, coordinator, postgres, mariadb, zookeeper, kafka);
        } catch (Exception e) {
            stop(coordinator, kafka, zookeeper);
            throw e;
        }
    }

    /** {@code dir}, deleted with what it holds and created empty. */
    private static Path emptied(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    public Path work() {
        return work;
    }

    public String coordinatorAddress() {
        return coordinator.clientAddress();
    }

    /** The coordinator's cluster id: {@link #CLUSTER} and the random part its log was created with. */
    public String clusterId() {
        return coordinator.clusterId();
    }

    public String zookeeperAddress() {
        return zookeeper.getConnectString();
    }

    /** Kafka's bootstrap servers, {@code 127.0.0.1:port}. */
    public String kafkaAddress() {
        return kafka.bootstrapServers();
    }

    /** Messages of committed transactions the coordinator has not yet published to Kafka (its metric). */
    public long publishBacklog() {
        return coordinator.metric("entente_publish_backlog");
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
    /** Where the coordinator's console is, and the file whose token its views ask for. */
    public String consoleAddress() {
        return coordinator.adminScheme() + "://" + coordinator.adminAddress() + "/"
                + coordinator.readTokenFile().map(file -> " (token: the content of " + file + ")").orElse("");
    }

    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("ENTENTE_COORDINATOR", coordinatorAddress());
        environment.put("ENTENTE_CLUSTER", CLUSTER);
        environment.put("ENTENTE_ZOOKEEPER", zookeeperAddress());
        environment.put("ENTENTE_KAFKA", kafkaAddress());
        environment.put("ENTENTE_PG_URL", postgresUrl);
        environment.put("ENTENTE_MARIADB_URL", mariadbUrl);
        return environment;
    }

    /** Stops the coordinator first (a client of Kafka), then Kafka, then ZooKeeper. */
    @Override
    public void close() {
        stop(coordinator, kafka, zookeeper);
    }

    private static void stop(CoordinatorProcess coordinator, KafkaBroker kafka, TestingServer zookeeper) {
        stop("the coordinator", coordinator);
        stop("Kafka", kafka);
        stop("ZooKeeper", zookeeper);
    }

    private static void stop(String what, AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            System.err.println("sandbox: stopping " + what + ": " + e.getMessage());
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
        System.err.println("sandbox: logs and data in " + work + " (the coordinator's in dev.log, with its admin address)");
        System.err.println("sandbox: the coordinator's console and views: " + sandbox.consoleAddress());
        sandbox.environment().forEach((name, value) -> System.out.println(name + "=" + value));
        System.out.println("ready");
        System.out.flush();
        stopped.await();
    }
}
