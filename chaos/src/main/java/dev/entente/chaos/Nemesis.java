package dev.entente.chaos;

import dev.entente.chaos.FaultSchedule.Planned;
import dev.entente.testkit.Concurrently;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.JvmProcess;
import dev.entente.testkit.KafkaBroker;
import dev.entente.testkit.TestDatabase;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a {@link FaultSchedule} against a run's processes, connections and databases, one fault at a
 * time: applies it at its planned time (or as soon as the previous one is healed), holds it, heals it,
 * and logs what it did to whom and when. {@link #heal()} afterwards makes sure everything is back.
 */
final class Nemesis implements AutoCloseable {

    /** What happened: when (ms into the workload), the fault, and its target and healing as they turned out. */
    record Event(long atMillis, Fault fault, String what) {
    }

    private final FaultSchedule schedule;
    private final CoordinatorCluster cluster;
    private final BankServices services;
    private final BankDatabases databases;
    private final KafkaBroker kafka;
    private final Network network;
    private final PrintStream progress;
    private final List<Event> events = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private long startNanos;

    Nemesis(FaultSchedule schedule, CoordinatorCluster cluster, BankServices services, BankDatabases databases,
            KafkaBroker kafka, Network network, PrintStream progress) {
        this.schedule = schedule;
        this.cluster = cluster;
        this.services = services;
        this.databases = databases;
        this.kafka = kafka;
        this.network = network;
        this.progress = progress;
        this.thread = new Thread(this::play, "nemesis");
        thread.setDaemon(true);
    }

    Nemesis start() {
        startNanos = System.nanoTime();
        thread.start();
        return this;
    }

    private void play() {
        for (Planned planned : schedule.faults()) {
            while (!stopping && elapsedMillis() < planned.atMillis()) {
                sleep(Math.min(100, planned.atMillis() - elapsedMillis()));
            }
            if (stopping) {
                return;
            }
            long at = elapsedMillis();
            String what;
            try {
                what = apply(planned);
            } catch (RuntimeException e) {
                what = "could not be applied or healed: " + e.getMessage();
            }
            Event event = new Event(at, planned.fault(), what);
            synchronized (events) {
                events.add(event);
            }
            progress.printf("  nemesis +%5.1fs %s: %s%n", at / 1000.0, planned.fault(), what);
        }
    }

    /** Applies one fault, holds it and heals it; says what it did. */
    private String apply(Planned planned) {
        long hold = planned.holdMillis();
        int target = planned.target();
        return switch (planned.fault()) {
            case KILL_ACCOUNT_SERVICE -> killAndRestart(target % 2 == 0 ? services.pgAccounts : services.mariaAccounts, hold);
            case KILL_TRANSFER_SERVICE -> killAndRestart(services.transfers, hold);
            case KILL_LEADER -> killAndRestart(List.of(leader()), "the leader", hold);
            case KILL_FOLLOWER -> killAndRestart(List.of(follower(target)), "a follower", hold);
            case KILL_MAJORITY -> {
                CoordinatorProcess leader = leader();
                yield killAndRestart(List.of(leader, follower(leader, target)), "the leader and a follower", hold);
            }
            case PARTITION_SERVICE -> {
                String service = BankServices.NAMES.get(target % BankServices.NAMES.size());
                network.isolateService(service);
                long held = hold(hold);
                network.heal();
                yield service + " cut off from every coordinator node for " + seconds(held);
            }
            case ISOLATE_LEADER -> isolate(leader(), "the leader", hold);
            case ISOLATE_FOLLOWER -> isolate(follower(target), "the follower", hold);
            case ZOOKEEPER_SESSION_LOSS -> {
                String service = target % 2 == 0 ? BankServices.PG_ACCOUNTS : BankServices.MARIA_ACCOUNTS;
                network.isolateFromZooKeeper(service);
                long held = hold(BankServices.ZOOKEEPER_SESSION_TIMEOUT_MILLIS + hold);
                network.heal();
                yield service + " cut off from ZooKeeper for " + seconds(held) + " (session timeout "
                        + seconds(BankServices.ZOOKEEPER_SESSION_TIMEOUT_MILLIS) + ")";
            }
            case RESTART_DATABASE -> {
                BankDatabases.Side side = target % 2 == 0 ? databases.pg : databases.maria;
                long started = System.nanoTime();
                side.server().restart();
                yield side.server() + " restarted (" + seconds((System.nanoTime() - started) / 1_000_000) + ")";
            }
            case ROLLING_RESTART -> rollingRestart();
            case RESTART_KAFKA -> {
                kafka.stop();
                long held = hold(hold);
                kafka.start();
                yield "Kafka broker " + kafka.bootstrapServers() + " stopped, started again after " + seconds(held);
            }
        };
    }

    private String killAndRestart(JvmProcess service, long hold) {
        service.kill9();
        long held = hold(hold);
        services.start(service);
        return "kill -9 " + service.name() + ", restarted after " + seconds(held);
    }

    private String killAndRestart(List<CoordinatorProcess> nodes, String role, long hold) {
        nodes.forEach(CoordinatorProcess::kill9);
        long held = hold(hold);
        Concurrently.forEach(nodes, CoordinatorProcess::start);
        return "kill -9 " + role + " (" + String.join(", ", nodes.stream().map(CoordinatorProcess::name).toList())
                + "), restarted after " + seconds(held);
    }

    /** Stops each node in turn with SIGTERM and starts it again, waiting for the whole cluster before the next. */
    private String rollingRestart() {
        long started = System.nanoTime();
        List<String> restarted = new ArrayList<>();
        for (CoordinatorProcess node : cluster.nodes()) {
            boolean led = node.isServing();
            node.stop();
            node.start();
            CoordinatorProcess leader = cluster.awaitEveryNodeFollowsTheLeader();
            restarted.add(node.name() + (led ? " (the leader; then " + leader.name() + " led)" : ""));
        }
        return "SIGTERM and restart of each node in turn: " + String.join(", ", restarted) + ", in "
                + seconds((System.nanoTime() - started) / 1_000_000);
    }

    private String isolate(CoordinatorProcess node, String role, long hold) {
        network.isolateNode(node.name());
        long held = hold(hold);
        String leaders = String.join(", ", cluster.nodes().stream().filter(CoordinatorProcess::isServing)
                .map(CoordinatorProcess::name).toList());
        network.heal();
        return role + " " + node.name() + " cut off from the other nodes for " + seconds(held) + " (serving at the end: "
                + (leaders.isEmpty() ? "none" : leaders) + ")";
    }

    /** The serving leader; waits for one (a previous fault may have left an election running). */
    private CoordinatorProcess leader() {
        return cluster.awaitLeader();
    }

    private CoordinatorProcess follower(int target) {
        return follower(leader(), target);
    }

    private CoordinatorProcess follower(CoordinatorProcess leader, int target) {
        List<CoordinatorProcess> followers = cluster.followers(leader);
        return followers.get(target % followers.size());
    }

    /** Makes sure every process runs and every connection passes again; returns what had to be done. */
    List<String> heal() {
        List<String> done = new ArrayList<>();
        network.heal();
        for (CoordinatorProcess node : cluster.nodes()) {
            if (!node.isAlive()) {
                node.start();
                done.add("restarted " + node.name());
            }
        }
        for (JvmProcess service : services.all()) {
            if (!service.isAlive()) {
                services.start(service);
                done.add("restarted " + service.name());
            }
        }
        for (BankDatabases.Side side : databases.sides()) {
            for (int attempt = 1; !side.answers(); attempt++) {
                try {
                    side.server().restart();
                    done.add("restarted " + side.server());
                } catch (RuntimeException e) {
                    if (attempt == 3) {
                        throw new IllegalStateException(side.server() + " did not come back: " + e.getMessage(), e);
                    }
                }
            }
        }
        if (!kafka.isRunning()) {
            kafka.start();
            done.add("started the Kafka broker");
        }
        cluster.awaitLeader();
        return done;
    }

    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    private long hold(long millis) {
        long start = System.nanoTime();
        sleep(millis);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static String seconds(long millis) {
        return String.format("%.1fs", millis / 1000.0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the fault in progress is healed. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join();
    }
}
