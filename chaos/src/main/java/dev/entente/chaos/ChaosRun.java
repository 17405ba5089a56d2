package dev.entente.chaos;

import dev.entente.chaos.InvariantChecker.Verdict;
import dev.entente.chaos.Nemesis.Event;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.ZooKeeperServers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of the suite: a fresh bank (two databases, three service JVMs) on a fresh three-node
 * coordinator cluster publishing to the suite's Kafka broker, and a ZooKeeper server for the accounts'
 * locks, every connection to the coordinator, between its nodes and to ZooKeeper through a proxy;
 * the transfer workload for the run's duration while the nemesis plays the seed's fault schedule;
 * then everything healed, recovery and publishing awaited, the invariants checked and a report printed.
 */
final class ChaosRun {

    /** How long recovery may take to finish every prepared branch once everything is healed. */
    private static final Duration RECOVERY = Duration.ofSeconds(120);
    /** How long publishing may take, once everything is healed, to have every committed transfer's event out. */
    private static final Duration PUBLISHING = Duration.ofSeconds(60);
    /** ZooKeeper's tick: sessions may last 2 to 20 ticks, so the services' 3 s timeout is granted as asked. */
    private static final int ZOOKEEPER_TICK_MILLIS = 500;
    /** The coordinator metric counting messages of committed transactions not yet published. */
    private static final String BACKLOG_METRIC = "entente_publish_backlog";

    private final int number;
    private final long seed;
    private final ChaosOptions options;
    private final SuiteServers servers;
    private final PrintStream out;

    ChaosRun(int number, long seed, ChaosOptions options, SuiteServers servers, PrintStream out) {
        this.number = number;
        this.seed = seed;
        this.options = options;
        this.servers = servers;
        this.out = out;
    }

    /** Runs and reports; adds its counts, faults and violations to {@code tally}. */
    void run(CampaignTally tally) throws Exception {
        String cluster = "chaos-" + Long.toString(seed, 36).replace('-', 'm');
        Path work = Files.createDirectories(options.work().resolve("run-" + number + "-" + Long.toString(seed, 36)));
        FaultSchedule schedule = FaultSchedule.draw(seed, options.duration());
        out.printf("%nrun %d/%d seed=%d duration=%ds cluster=%s planned faults=%d%s (logs in %s)%n", number, options.runs(), seed,
                options.duration().toSeconds(), cluster, schedule.faults().size(),
                options.plantedBug() == PlantedBug.NONE ? "" : " PLANTED BUG ON: " + options.plantedBug().option(), work);
        BankDatabases databases = new BankDatabases(servers.postgres(), servers.mariadb(), "chaos_run_" + number);
        String kafka = servers.kafka().bootstrapServers();
        TransferEvents events = new TransferEvents(kafka, TransferLoad.idPrefix(runTag()));
        try (Network network = new Network();
             TestingServer zookeeper = ZooKeeperServers.loopback(work.resolve("zookeeper").toFile(), ZOOKEEPER_TICK_MILLIS);
             CoordinatorCluster coordinators = new CoordinatorCluster(work, 3, network::raftRoute,
                     List.of(), coordinatorArgs(cluster, kafka))) {
            // the services start while the coordinator nodes do and elect a leader: they reach it only at
            // their first transaction (the three JVMs' start-up and the election overlap)
            CompletableFuture<Void> coordinatorsUp = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    coordinators.start();
                    coordinatorsUp.complete(null);
                } catch (Throwable e) {
                    coordinatorsUp.completeExceptionally(e);
                }
            }, "coordinators-start");
            starter.setDaemon(true);
            starter.start();
            List<String> nodeAddresses = coordinators.nodes().stream().map(n -> n.clientAddress()).toList();
            try (BankServices services = new BankServices(work, cluster, s -> network.coordinatorFor(s, nodeAddresses),
                    s -> network.zookeeperFor(s, zookeeper.getConnectString()), kafka, databases, options.plantedBug())) {
                coordinatorsUp.join();
                String clusterId = coordinators.awaitLeader().clusterId();
                Nemesis nemesis = new Nemesis(schedule, coordinators, services, databases, servers.kafka(), network, out);
                List<Transfer> transfers;
                nemesis.start();
                try {
                    transfers = new TransferLoad(services.transferUrl, runTag(), seed)
                            .run(options.concurrency(), options.duration());
                } finally {
                    nemesis.close();
                }
                List<String> healed = nemesis.heal();
                out.println("  healed" + (healed.isEmpty() ? "" : ": " + String.join(", ", healed))
                        + "; waiting for recovery to finish every prepared branch...");
                List<String> prepared = awaitRecovery(databases, clusterId);
                out.println("  waiting for the events of committed transfers to be published...");
                List<Message> published = events.await(databases.bothSides().size(), () -> publishBacklog(coordinators), PUBLISHING);
                Verdict verdict = new InvariantChecker(databases).check(transfers, prepared, published);
                report(seed, nemesis.events(), verdict, transfers);
                services.startCrashes().forEach(crash -> out.println("  NOTE (not an atomicity violation) " + crash));
                tally.add(verdict, nemesis.events());
            }
        }
    }

    /** The coordinator nodes' options: this run's cluster, the suite's Kafka, and the planted bug if it is theirs. */
    private String[] coordinatorArgs(String cluster, String kafka) {
        List<String> args = new ArrayList<>(List.of("--cluster-id", cluster, "--kafka", kafka));
        args.addAll(options.plantedBug().coordinatorArgs());
        return args.toArray(String[]::new);
    }

    /** What tells this run's transfers from other runs' (in ids, and so in the shared topic's keys). */
    private String runTag() {
        return Long.toString(seed, 36) + "-" + number;
    }

    private static List<String> awaitRecovery(BankDatabases databases, String clusterId) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        List<String> prepared = databases.prepared(clusterId);
        while (!prepared.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            prepared = databases.prepared(clusterId);
        }
        return prepared;
    }

    /** Messages of committed transactions the serving leader has yet to publish; -1 if it cannot tell. */
    private static long publishBacklog(CoordinatorCluster coordinators) {
        try {
            return coordinators.awaitLeader().metric(BACKLOG_METRIC);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The most common reasons for {@code outcome}, transfer ids and XIDs left out so alike reasons group. */
    private void reasons(List<Transfer> transfers, Transfer.Outcome outcome) {
        Map<String, Long> reasons = transfers.stream().filter(t -> t.outcome() == outcome)
                .collect(Collectors.groupingBy(t -> shortReason(t.detail()), Collectors.counting()));
        reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .forEach(r -> out.printf("    %5d %s: %s%n", r.getValue(), outcome, r.getKey()));
    }

    private static String shortReason(String detail) {
        String reason = detail.replaceAll("t-[0-9a-z]+-[0-9]+-[0-9]+", "T").replaceAll("chaos-[0-9a-z-]+(:[0-9a-z]+){4}", "X")
                .replaceAll("acct-[0-9]+", "A").replaceAll("\\b[0-9]+\\b", "N");
        return reason.length() > 160 ? reason.substring(0, 160) + "..." : reason;
    }

    private void report(long seed, List<Event> events, Verdict verdict, List<Transfer> transfers) {
        out.printf("run %d report: seed=%d%n", number, seed);
        out.println("  faults (time into the workload, fault, what was done):");
        for (Event event : events) {
            out.printf("    +%6.1fs %-22s %s%n", event.atMillis() / 1000.0, event.fault(), event.what());
        }
        if (events.isEmpty()) {
            out.println("    none (the duration left no room for one)");
        }
        out.printf("  transfers %d: committed %d, rolled back %d, unknown %d (settled: %d committed, %d rolled back); events published %d%n",
                verdict.transfers(), verdict.committed(), verdict.rolledBack(), verdict.unknown(), verdict.unknownCommitted(),
                verdict.unknownRolledBack(), verdict.events());
        reasons(transfers, Transfer.Outcome.ROLLED_BACK);
        reasons(transfers, Transfer.Outcome.UNKNOWN);
        out.printf("  violations %d%n", verdict.violations().size());
        verdict.violations().stream().limit(50).forEach(v -> out.println("    VIOLATION " + v));
        if (verdict.violations().size() > 50) {
            out.println("    ... and " + (verdict.violations().size() - 50) + " more");
        }
        if (!verdict.violations().isEmpty()) {
            out.printf("  reproduce: bin/entente chaos --runs 1 --seed %d --duration %ds%s%n", seed,
                    options.duration().toSeconds(), options.plantedBug() == PlantedBug.NONE ? "" : " --planted-bug " + options.plantedBug().option());
        }
    }
}
