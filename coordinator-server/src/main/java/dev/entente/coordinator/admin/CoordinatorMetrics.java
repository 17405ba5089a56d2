package dev.entente.coordinator.admin;

import dev.entente.protocol.Outcome;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The coordinator's counters and the decision-latency histogram, rendered as Prometheus text. */
public final class CoordinatorMetrics {

    private static final double[] LATENCY_BUCKETS_SECONDS =
            {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

    public final LongAdder begun = new LongAdder();
    public final LongAdder committed = new LongAdder();
    public final LongAdder rolledBack = new LongAdder();
    public final LongAdder timedOut = new LongAdder();
    public final LongAdder phaseTwoCommands = new LongAdder();
    public final LongAdder phaseTwoRetries = new LongAdder();
    /** Phase-2 commands an RM failed because the database it reached is not the branch's. */
    public final LongAdder phaseTwoWrongDatabase = new LongAdder();
    public final LongAdder completionRecords = new LongAdder();
    public final LongAdder rejectedRequests = new LongAdder();
    /** Calls refused at a limit on what a client may make the leader hold (RESOURCE_EXHAUSTED). */
    public final LongAdder limitRefusals = new LongAdder();
    public final LongAdder publishedMessages = new LongAdder();
    public final LongAdder publishFailures = new LongAdder();
    /** Messages of committed transactions Kafka refused for good (their transactions set aside). */
    public final LongAdder publishRefused = new LongAdder();
    /** Refused messages an operator dropped ({@code tx resolve --drop-refused}). */
    public final LongAdder publishDropped = new LongAdder();

    /** Applications counted by name; beyond this many, the rest share one series (labels come from clients). */
    static final int MAX_APPS = 100;
    static final String OTHER_APPS = "_other";

    private final LongAdder resolvedCommit = new LongAdder();
    private final LongAdder resolvedRollback = new LongAdder();
    private final ConcurrentHashMap<String, AppCounts> byApp = new ConcurrentHashMap<>();
    /** Client-port calls by method; the methods are the service's own, declared once at start. */
    private final Map<String, LongAdder> requests = new ConcurrentSkipListMap<>();

    /** One application's transactions, as counted on this node. */
    private static final class AppCounts {
        final LongAdder begun = new LongAdder();
        final LongAdder committed = new LongAdder();
        final LongAdder rolledBack = new LongAdder();
    }

    private final AtomicLongArray latencyBuckets = new AtomicLongArray(LATENCY_BUCKETS_SECONDS.length + 1);
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencySumMicros = new LongAdder();

    /** Records how long a decision took from the Commit/Rollback request to its quorum commit. */
    public void decisionLatency(long nanos) {
        double seconds = nanos / 1e9;
        int bucket = 0;
        while (bucket < LATENCY_BUCKETS_SECONDS.length && seconds > LATENCY_BUCKETS_SECONDS[bucket]) {
            bucket++;
        }
        latencyBuckets.incrementAndGet(bucket);
        latencyCount.increment();
        latencySumMicros.add(nanos / 1000);
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
        return byApp.computeIfAbsent(key, k -> new AppCounts());
    }

    /** Declares a method of the client service, so that its series shows before its first call. */
    public void requestMethod(String method) {
        requests.putIfAbsent(method, new LongAdder());
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
                         LongSupplier heldBytes, LongSupplier cachedTopics, LongSupplier publishStuck) {
    }

    public String render(Gauges gauges) {
        StringBuilder out = new StringBuilder(2048);
        counter(out, "entente_transactions_begun_total", "Global transactions begun on this node", begun.sum());
        counter(out, "entente_transactions_committed_total", "Commit decisions this node made", committed.sum());
        counter(out, "entente_transactions_rolled_back_total", "Rollback decisions this node made", rolledBack.sum());
        counter(out, "entente_transactions_timed_out_total", "Transactions rolled back for their timeout", timedOut.sum());
        counter(out, "entente_phase_two_commands_total", "Phase-2 commands sent to RM sessions", phaseTwoCommands.sum());
        counter(out, "entente_phase_two_retries_total", "Phase-2 commands sent again after no or a failed ack", phaseTwoRetries.sum());
        counter(out, "entente_phase_two_wrong_database_total", "Phase-2 commands not done because the RM reached a database "
                + "other than the branch's (its unknown-Xid answer proves nothing; the branch stays in doubt)",
                phaseTwoWrongDatabase.sum());
        counter(out, "entente_completion_records_total", "Batched completion records written", completionRecords.sum());
        counter(out, "entente_rejected_requests_total", "Requests refused with an error reply", rejectedRequests.sum());
        counter(out, "entente_limit_refusals_total", "Requests refused at a limit on what a client may make the leader hold "
                + "(RESOURCE_EXHAUSTED)", limitRefusals.sum());
        counter(out, "entente_published_messages_total", "@Publish messages published to Kafka", publishedMessages.sum());
        counter(out, "entente_publish_failures_total", "Kafka transactions of published messages that failed and were retried", publishFailures.sum());
        counter(out, "entente_publish_refused_total", "Messages of committed transactions Kafka refused for good "
                + "(their transactions set aside, logged)", publishRefused.sum());
        counter(out, "entente_publish_dropped_total", "Refused messages an operator dropped (tx resolve --drop-refused)",
                publishDropped.sum());
        counter(out, "entente_raft_log_flushes_total", "Flushes of this node's Raft log to disk (decisions committed per flush: the group commit)",
                gauges.logFlushes().getAsLong());
        gauge(out, "entente_publish_backlog", "Messages of committed transactions not yet published (stuck ones not included)",
                gauges.publishBacklog().getAsLong());
        gauge(out, "entente_publish_stuck_transactions", "Committed transactions whose messages are set aside because Kafka "
                + "refused one (tx resolve retries or drops it)", gauges.publishStuck().getAsLong());
        gauge(out, "entente_transactions_in_flight", "Begun, not yet decided (leader memory)", gauges.inFlight().getAsLong());
        gauge(out, "entente_held_bytes", "Bytes the leader holds for undecided transactions (their branches and messages, "
                + "estimated; --max-held-bytes)", gauges.heldBytes().getAsLong());
        gauge(out, "entente_topic_cache_entries", "Kafka topics whose settings this node caches", gauges.cachedTopics().getAsLong());
        gauge(out, "entente_transactions_in_doubt", "Decided, phase 2 not finished", gauges.inDoubt().getAsLong());
        gauge(out, "entente_rm_sessions", "Connected RM sessions", gauges.rmSessions().getAsLong());
        gauge(out, "entente_raft_is_leader", "1 if this node is the Raft leader", gauges.isLeader().getAsLong());
        out.append("# HELP entente_raft_role This node's Raft role (the series with value 1)\n");
        out.append("# TYPE entente_raft_role gauge\n");
        String role = gauges.role().get();
        for (String each : new String[] {"LEADER", "FOLLOWER", "CANDIDATE", "LISTENER"}) {
            out.append("entente_raft_role{role=\"").append(each).append("\"} ").append(each.equals(role) ? 1 : 0).append('\n');
        }
        gauge(out, "entente_raft_term", "Current Raft term", gauges.term().getAsLong());
        gauge(out, "entente_raft_commit_index", "Raft commit index", gauges.commitIndex().getAsLong());
        gauge(out, "entente_raft_applied_index", "Last log index applied to the transaction table", gauges.appliedIndex().getAsLong());
        out.append("# HELP entente_transactions_resolved_total Transactions an operator settled with tx resolve\n");
        out.append("# TYPE entente_transactions_resolved_total counter\n");
        out.append("entente_transactions_resolved_total{outcome=\"COMMITTED\"} ").append(resolvedCommit.sum()).append('\n');
        out.append("entente_transactions_resolved_total{outcome=\"ROLLED_BACK\"} ").append(resolvedRollback.sum()).append('\n');
        out.append("# HELP entente_requests_total Client-port calls received, by method (coordinator round trips)\n");
        out.append("# TYPE entente_requests_total counter\n");
        requests.forEach((method, count) -> out.append("entente_requests_total{method=\"").append(method).append("\"} ")
                .append(count.sum()).append('\n'));
        Map<String, AppCounts> apps = new TreeMap<>(byApp);
        perApp(out, "entente_app_transactions_begun_total", "Transactions begun, by the application that began them", apps, c -> c.begun.sum());
        perApp(out, "entente_app_transactions_committed_total", "Commit decisions, by application", apps, c -> c.committed.sum());
        perApp(out, "entente_app_transactions_rolled_back_total", "Rollback decisions, by application", apps, c -> c.rolledBack.sum());
        out.append("# HELP entente_decision_latency_seconds From Commit/Rollback request to the decision's quorum commit\n");
        out.append("# TYPE entente_decision_latency_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < LATENCY_BUCKETS_SECONDS.length; i++) {
            cumulative += latencyBuckets.get(i);
            out.append("entente_decision_latency_seconds_bucket{le=\"").append(LATENCY_BUCKETS_SECONDS[i]).append("\"} ")
                    .append(cumulative).append('\n');
        }
        cumulative += latencyBuckets.get(LATENCY_BUCKETS_SECONDS.length);
        out.append("entente_decision_latency_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append("entente_decision_latency_seconds_sum ").append(latencySumMicros.sum() / 1e6).append('\n');
        out.append("entente_decision_latency_seconds_count ").append(latencyCount.sum()).append('\n');
        return out.toString();
    }

    private static void perApp(StringBuilder out, String name, String help, Map<String, AppCounts> apps,
                               java.util.function.ToLongFunction<AppCounts> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        apps.forEach((app, counts) -> out.append(name).append("{app=\"").append(labelValue(app)).append("\"} ")
                .append(value.applyAsLong(counts)).append('\n'));
    }

    /** A Prometheus label value: backslash, double quote and line feed escaped. */
    static String labelValue(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "counter", value);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "gauge", value);
    }

    private static void metric(StringBuilder out, String name, String help, String type, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
    }
}
