package dev.entente.chaos;

import dev.entente.testkit.Concurrently;
import dev.entente.testkit.FreePorts;
import dev.entente.testkit.JvmProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The bank's three services, each its own JVM with the Entente agent and nothing else of Entente: an
 * account service per side and the transfer service (the TM, with its journal database). Each reaches the coordinator through
 * its own proxies ({@link Network}).
 */
final class BankServices implements AutoCloseable {

    static final String PG_ACCOUNTS = "pg-accounts";
    static final String MARIA_ACCOUNTS = "maria-accounts";
    static final String TRANSFERS = "transfers";
    static final List<String> NAMES = List.of(PG_ACCOUNTS, MARIA_ACCOUNTS, TRANSFERS);
    /** The account services' ZooKeeper session timeout: a cut longer than this expires the session. */
    static final long ZOOKEEPER_SESSION_TIMEOUT_MILLIS = 3_000;

    final JvmProcess pgAccounts;
    final JvmProcess mariaAccounts;
    final JvmProcess transfers;
    final String transferUrl;
    private final List<String> startCrashes = new ArrayList<>();

    /**
     * @param coordinatorFor the coordinator address list a service (by name) is given
     * @param zookeeperFor   the ZooKeeper address an account service (by name) is given
     * @param kafka          the Kafka cluster the coordinator publishes to, which the transfer service names
     * @param plantedBug     the deliberate bug to turn on in the account services, if it is theirs
     */
    BankServices(Path work, String cluster, Function<String, String> coordinatorFor, Function<String, String> zookeeperFor,
                 String kafka, BankDatabases databases, PlantedBug plantedBug) {
        int pgPort = FreePorts.next();
        int mariaPort = FreePorts.next();
        int transferPort = FreePorts.next();
        String accountSettings = plantedBug.accountServiceSettings();
        pgAccounts = service(work, PG_ACCOUNTS, cluster, coordinatorFor, locks(PG_ACCOUNTS, zookeeperFor) + accountSettings,
                "dev.entente.chaos.bank.AccountService",
                "--name", PG_ACCOUNTS, "--port", String.valueOf(pgPort), "--database", databases.pg.url());
        mariaAccounts = service(work, MARIA_ACCOUNTS, cluster, coordinatorFor, locks(MARIA_ACCOUNTS, zookeeperFor) + accountSettings,
                "dev.entente.chaos.bank.AccountService",
                "--name", MARIA_ACCOUNTS, "--port", String.valueOf(mariaPort), "--database", databases.maria.url());
        transfers = service(work, TRANSFERS, cluster, coordinatorFor, ",kafka=" + kafka, "dev.entente.chaos.bank.TransferService",
                "--port", String.valueOf(transferPort), "--pg", "http://127.0.0.1:" + pgPort,
                "--maria", "http://127.0.0.1:" + mariaPort, "--journal", databases.journal.url());
        transferUrl = "http://127.0.0.1:" + transferPort;
        try {
            Concurrently.forEach(all(), this::start);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts {@code service} (again), up to three times: a JVM that dies while starting is a bug of its
     * own (the agent's, say), not an atomicity violation, so it is recorded in {@link #startCrashes()}
     * for the report and the service is started again.
     */
    void start(JvmProcess service) {
        for (int attempt = 1; ; attempt++) {
            try {
                service.start(Duration.ofSeconds(90));
                return;
            } catch (IllegalStateException e) {
                String cause = e.getMessage().lines().filter(l -> l.contains("Exception") || l.contains("Error"))
                        .findFirst().orElse(e.getMessage().lines().findFirst().orElse(""));
                synchronized (startCrashes) {
                    startCrashes.add(service.name() + " died while starting: " + cause + " (see " + service.logFile() + ")");
                }
                if (attempt == 3 || service.isAlive()) {
                    throw e;
                }
            }
        }
    }

    /** Every service start that failed and was tried again. */
    List<String> startCrashes() {
        synchronized (startCrashes) {
            return List.copyOf(startCrashes);
        }
    }

    List<JvmProcess> all() {
        return List.of(pgAccounts, mariaAccounts, transfers);
    }

    /** Lock settings of an account service: its own lock root, so both sides' accounts of one name are different locks. */
    private static String locks(String service, Function<String, String> zookeeperFor) {
        return ",zookeeper=" + zookeeperFor.apply(service) + ",lock-root=/chaos/" + service
                + ",zookeeper-session-timeout=" + ZOOKEEPER_SESSION_TIMEOUT_MILLIS;
    }

    private static JvmProcess service(Path work, String name, String cluster, Function<String, String> coordinatorFor,
                                      String ownSettings, String mainClass, String... args) {
        String settings = "coordinator=" + coordinatorFor.apply(name) + ",cluster=" + cluster + ",app=" + name
                + ",recovery-interval=2000" + ownSettings;
        List<String> command = new ArrayList<>(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1",
                "-javaagent:" + file("entente.agent.jar", "agent/target/entente-agent.jar") + "=" + settings));
        command.addAll(List.of("-cp", classPath(), mainClass));
        command.addAll(List.of(args));
        return new JvmProcess(name, command, work.resolve(name + ".log"), "ready on ");
    }

    /** This module's jar and libraries, and the sample shop's jar (its small HTTP server and pool). */
    private static String classPath() {
        String samples = System.getProperty("entente.samples.dir", "sample-apps/target");
        Path chaosJar = Path.of(file("entente.chaos.jar", "chaos/target/entente-chaos.jar"));
        try {
            return String.join(File.pathSeparator, chaosJar.toString(),
                    Files.readString(chaosJar.resolveSibling("classpath.txt")).strip(),
                    Path.of(samples, "entente-sample-apps.jar").toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class path next to " + chaosJar
                    + " (system property entente.chaos.jar); build with: mvn -B -DskipTests package", e);
        }
    }

    /** A built file the launcher names in a system property (bin/entente and the tests set it). */
    static String file(String property, String builtAt) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("cannot find " + builtAt + " (system property " + property + " = " + path
                    + "); build with: mvn -B -DskipTests package");
        }
        return path;
    }

    @Override
    public void close() {
        for (JvmProcess service : new JvmProcess[] {transfers, pgAccounts, mariaAccounts}) {
            if (service != null) {
                service.close();
            }
        }
    }
}
