package dev.entente.coordinator.admin;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

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
    public final LongAdder completionRecords = new LongAdder();
    public final LongAdder rejectedRequests = new LongAdder();
    public final LongAdder publishedMessages = new LongAdder();
    public final LongAdder publishFailures = new LongAdder();
    public final LongAdder publishDropped = new LongAdder();

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

    /** Values read at scrape time from the parts that own them. */
    public record Gauges(LongSupplier inFlight, LongSupplier inDoubt, LongSupplier rmSessions,
                         LongSupplier isLeader, LongSupplier term, LongSupplier commitIndex, LongSupplier appliedIndex,
                         LongSupplier publishBacklog, LongSupplier logFlushes) {
    }

    public String render(Gauges gauges) {
        StringBuilder out = new StringBuilder(2048);
        counter(out, "entente_transactions_begun_total", "Global transactions begun on this node", begun.sum());
        counter(out, "entente_transactions_committed_total", "Commit decisions this node made", committed.sum());
        counter(out, "entente_transactions_rolled_back_total", "Rollback decisions this node made", rolledBack.sum());
        counter(out, "entente_transactions_timed_out_total", "Transactions rolled back for their timeout", timedOut.sum());
        counter(out, "entente_phase_two_commands_total", "Phase-2 commands sent to RM sessions", phaseTwoCommands.sum());
        counter(out, "entente_phase_two_retries_total", "Phase-2 commands sent again after no or a failed ack", phaseTwoRetries.sum());
        counter(out, "entente_completion_records_total", "Batched completion records written", completionRecords.sum());
        counter(out, "entente_rejected_requests_total", "Requests refused with an error reply", rejectedRequests.sum());
        counter(out, "entente_published_messages_total", "@Publish messages published to Kafka", publishedMessages.sum());
        counter(out, "entente_publish_failures_total", "Kafka transactions of published messages that failed and were retried", publishFailures.sum());
        counter(out, "entente_publish_dropped_total", "Messages of committed transactions Kafka refused for good (logged)", publishDropped.sum());
        counter(out, "entente_raft_log_flushes_total", "Flushes of this node's Raft log to disk (decisions committed per flush: the group commit)",
                gauges.logFlushes().getAsLong());
        gauge(out, "entente_publish_backlog", "Messages of committed transactions not yet published", gauges.publishBacklog().getAsLong());
        gauge(out, "entente_transactions_in_flight", "Begun, not yet decided (leader memory)", gauges.inFlight().getAsLong());
        gauge(out, "entente_transactions_in_doubt", "Decided, phase 2 not finished", gauges.inDoubt().getAsLong());
        gauge(out, "entente_rm_sessions", "Connected RM sessions", gauges.rmSessions().getAsLong());
        gauge(out, "entente_raft_is_leader", "1 if this node is the Raft leader", gauges.isLeader().getAsLong());
        gauge(out, "entente_raft_term", "Current Raft term", gauges.term().getAsLong());
        gauge(out, "entente_raft_commit_index", "Raft commit index", gauges.commitIndex().getAsLong());
        gauge(out, "entente_raft_applied_index", "Last log index applied to the transaction table", gauges.appliedIndex().getAsLong());
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
