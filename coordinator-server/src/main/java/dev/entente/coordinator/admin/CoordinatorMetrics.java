package dev.entente.coordinator.admin;

import dev.entente.protocol.Outcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The coordinator's own meters, in a Micrometer registry that also holds the JVM's ({@link JvmMeters})
 * and Ratis' ({@link RatisMeters}) and renders them all as Prometheus text. Meter names are chosen so
 * that the exposed names are the ones operators have always had: Micrometer's Prometheus convention
 * turns {@code entente.transactions.begun}, a counter, into {@code entente_transactions_begun_total},
 * and a timer into {@code ..._seconds}. The fields stay the counters the drivers increment.
 */
public final class CoordinatorMetrics implements AutoCloseable {

    private static final Duration[] LATENCY_BUCKETS = {millis(1), millis(2), millis(5), millis(10), millis(20), millis(50),
            millis(100), millis(200), millis(500), millis(1000), millis(2000), millis(5000)};

    /** Applications counted by name; beyond this many, the rest share one series (labels come from clients). */
    static final int MAX_APPS = 100;
    static final String OTHER_APPS = "_other";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmMeters jvm = new JvmMeters(registry);
    private final RatisMeters ratis = new RatisMeters(registry);
    /** What the gauges read; held here because a function counter holds its object weakly. */
    private volatile Gauges gauges;

    public final LongAdder begun = counter("entente.transactions.begun", "Global transactions begun on this node");
    public final LongAdder committed = counter("entente.transactions.committed", "Commit decisions this node made");
    public final LongAdder rolledBack = counter("entente.transactions.rolled.back", "Rollback decisions this node made");
    public final LongAdder timedOut = counter("entente.transactions.timed.out", "Transactions rolled back for their timeout");
    public final LongAdder phaseTwoCommands = counter("entente.phase.two.commands", "Phase-2 commands sent to RM sessions");
    public final LongAdder phaseTwoRetries = counter("entente.phase.two.retries",
            "Phase-2 commands sent again after no or a failed ack");
    /** Phase-2 commands an RM failed because the database it reached is not the branch's. */
    public final LongAdder phaseTwoWrongDatabase = counter("entente.phase.two.wrong.database",
            "Phase-2 commands not done because the RM reached a database other than the branch's (its unknown-Xid "
                    + "answer proves nothing; the branch stays in doubt)");
    public final LongAdder completionRecords = counter("entente.completion.records", "Batched completion records written");
    public final LongAdder rejectedRequests = counter("entente.rejected.requests", "Requests refused with an error reply");
    /** Calls refused at a limit on what a client may make the leader hold (RESOURCE_EXHAUSTED). */
    public final LongAdder limitRefusals = counter("entente.limit.refusals",
            "Requests refused at a limit on what a client may make the leader hold (RESOURCE_EXHAUSTED)");
    public final LongAdder publishedMessages = counter("entente.published.messages", "@Publish messages published to Kafka");
    public final LongAdder publishFailures = counter("entente.publish.failures",
            "Kafka transactions of published messages that failed and were retried");
    public final LongAdder publishDropped = counter("entente.publish.dropped",
            "Messages of committed transactions Kafka refused for good (logged)");

    private final LongAdder resolvedCommit = counter("entente.transactions.resolved",
            "Transactions an operator settled with tx resolve", "outcome", Outcome.COMMITTED.name());
    private final LongAdder resolvedRollback = counter("entente.transactions.resolved",
            "Transactions an operator settled with tx resolve", "outcome", Outcome.ROLLED_BACK.name());
    private final Map<String, AppCounts> byApp = new ConcurrentHashMap<>();
    /** Client-port calls by method; the methods are the service's own, declared once at start. */
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Timer decisionLatency = Timer.builder("entente.decision.latency")
            .description("From Commit/Rollback request to the decision's quorum commit")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);

    /** One application's transactions, as counted on this node. */
    private final class AppCounts {
        final LongAdder begun;
        final LongAdder committed;
        final LongAdder rolledBack;

        AppCounts(String app) {
            begun = counter("entente.app.transactions.begun", "Transactions begun, by the application that began them", "app", app);
            committed = counter("entente.app.transactions.committed", "Commit decisions, by application", "app", app);
            rolledBack = counter("entente.app.transactions.rolled.back", "Rollback decisions, by application", "app", app);
        }
    }

    /** Records how long a decision took from the Commit/Rollback request to its quorum commit. */
    public void decisionLatency(long nanos) {
        decisionLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void appBegun(String app) {
        app(app).begun.increment();
    }

    public void appDecided(String app, Outcome outcome) {
        AppCounts counts = app(app);
        (outcome == Outcome.COMMITTED ? counts.committed : counts.rolledBack).increment();
    }

    private AppCounts app(String app) {
        AppCounts counts = byApp.get(app);
        if (counts != null) {
            return counts;
        }
        String key = byApp.size() < MAX_APPS ? app : OTHER_APPS;
        return byApp.computeIfAbsent(key, AppCounts::new);
    }

    /** Declares a method of the client service, so that its series shows before its first call. */
    public void requestMethod(String method) {
        requests.computeIfAbsent(method, m -> counter("entente.requests",
                "Client-port calls received, by method (coordinator round trips)", "method", m));
    }

    /** A call of a declared method arrived (an undeclared one is not counted: the set stays bounded). */
    public void requestReceived(String method) {
        LongAdder count = requests.get(method);
        if (count != null) {
            count.increment();
        }
    }

    /** An operator settled a transaction with {@code tx resolve}. */
    public void resolved(Outcome outcome) {
        (outcome == Outcome.COMMITTED ? resolvedCommit : resolvedRollback).increment();
    }

    /** Values read at scrape time from the parts that own them. */
    public record Gauges(LongSupplier inFlight, LongSupplier inDoubt, LongSupplier rmSessions,
                         LongSupplier isLeader, Supplier<String> role, LongSupplier term, LongSupplier commitIndex,
                         LongSupplier appliedIndex, LongSupplier publishBacklog, LongSupplier logFlushes,
                         LongSupplier heldBytes, LongSupplier cachedTopics) {
    }

    /** Registers the meters read from the parts that own them; once, when those parts exist. */
    public void bind(Gauges gauges) {
        this.gauges = gauges;
        FunctionCounter.builder("entente.raft.log.flushes", gauges, g -> g.logFlushes().getAsLong())
                .description("Flushes of this node's Raft log to disk (decisions committed per flush: the group commit)")
                .register(registry);
        gauge("entente.publish.backlog", "Messages of committed transactions not yet published", gauges.publishBacklog());
        gauge("entente.transactions.in.flight", "Begun, not yet decided (leader memory)", gauges.inFlight());
        gauge("entente.held.bytes", "Bytes the leader holds for undecided transactions (their branches and messages, "
                + "estimated; --max-held-bytes)", gauges.heldBytes());
        gauge("entente.topic.cache.entries", "Kafka topics whose settings this node caches", gauges.cachedTopics());
        gauge("entente.transactions.in.doubt", "Decided, phase 2 not finished", gauges.inDoubt());
        gauge("entente.rm.sessions", "Connected RM sessions", gauges.rmSessions());
        gauge("entente.raft.is.leader", "1 if this node is the Raft leader", gauges.isLeader());
        for (String role : new String[] {"LEADER", "FOLLOWER", "CANDIDATE", "LISTENER"}) {
            Gauge.builder("entente.raft.role", () -> role.equals(gauges.role().get()) ? 1 : 0)
                    .description("This node's Raft role (the series with value 1)").tag("role", role).register(registry);
        }
        gauge("entente.raft.term", "Current Raft term", gauges.term());
        gauge("entente.raft.commit.index", "Raft commit index", gauges.commitIndex());
        gauge("entente.raft.applied.index", "Last log index applied to the transaction table", gauges.appliedIndex());
    }

    /** Every meter of this node (Entente's, the JVM's, the process's and Ratis'), as Prometheus text format 0.0.4. */
    public String render() {
        ratis.refresh();
        return registry.scrape();
    }

    @Override
    public void close() {
        jvm.close();
        registry.close();
    }

    private LongAdder counter(String name, String help, String... tags) {
        LongAdder count = new LongAdder();
        FunctionCounter.builder(name, count, LongAdder::sum).description(help).tags(tags).register(registry);
        return count;
    }

    private void gauge(String name, String help, LongSupplier value) {
        Gauge.builder(name, value::getAsLong).description(help).register(registry);
    }

    private static Duration millis(long millis) {
        return Duration.ofMillis(millis);
    }
}
