package dev.entente.coordinator.txn;

import dev.entente.coordinator.log.ApplyReply;
import dev.entente.coordinator.log.ClusterIdentityRecord;
import dev.entente.coordinator.log.CompletionRecord;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.FinishedOutcome;
import dev.entente.coordinator.log.NodeAddressRecord;
import dev.entente.coordinator.log.PublishRefusalRecord;
import dev.entente.coordinator.log.RefusedMessagesDroppedRecord;
import dev.entente.coordinator.log.StatusAnswer;
import dev.entente.coordinator.log.TableSnapshot;
import dev.entente.coordinator.publish.RefusedMessages;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.Xids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replicated part of the coordinator's state, changed only by applying Raft log records, in log
 * order, identically on every node: decided transactions whose phase 2 is not finished, the outcomes
 * of recently finished ones (so a retried Commit gets the same answer), and where each node that led
 * can be reached. Undecided transactions are not here: by presumed abort they need no durability.
 */
public final class TransactionTable {

    /** Told about every decision that takes effect, on the thread that applies the log. */
    public interface DecisionListener {
        void decided(DecisionRecord decision);
    }

    private final long retentionMillis;
    private final Map<String, DecisionRecord> pending = new LinkedHashMap<>();
    private final LinkedHashMap<String, FinishedOutcome> finished = new LinkedHashMap<>();
    private final Map<String, NodeAddressRecord> nodes = new HashMap<>();
    private volatile ClusterIdentityRecord identity;
    private volatile DecisionListener listener = decision -> { };

    public TransactionTable(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    public void setListener(DecisionListener listener) {
        this.listener = listener;
    }

    /**
     * Applies a decision written in Raft term {@code entryTerm}. The first decision for an XID stands.
     * A commit decision is valid only in the term its transaction was begun in: only that term's
     * leader knew the transaction's branches and votes. An owner-only commit (its Commit carried all
     * there was, no other process had its XID) stands in any term.
     */
    public ApplyReply applyDecision(DecisionRecord decision, long entryTerm) {
        DecisionRecord effective;
        synchronized (this) {
            Optional<ApplyReply> standing = standingOutcome(decision.getXid());
            if (standing.isPresent()) {
                return standing.get();
            }
            effective = decision;
            if (decision.getOutcome() == Outcome.COMMITTED && !decision.getOwnerOnly()
                    && Xids.term(decision.getXid()) != entryTerm) {
                effective = decision.toBuilder().setOutcome(Outcome.ROLLED_BACK)
                        .setReason("the commit decision reached the log after a leader change (term "
                                + entryTerm + ", transaction began in term " + Xids.term(decision.getXid()) + ")")
                        .build();
            }
            pending.put(effective.getXid(), effective);
        }
        listener.decided(effective);
        return ApplyReply.newBuilder().setOutcome(effective.getOutcome()).setReason(effective.getReason()).build();
    }

    /** Moves finished transactions out of the pending set; forgets outcomes older than the retention. */
    public synchronized void applyCompletion(CompletionRecord completion) {
        for (String xid : completion.getXidsList()) {
            DecisionRecord decision = pending.remove(xid);
            if (decision != null) {
                FinishedOutcome.Builder outcome = FinishedOutcome.newBuilder().setXid(xid).setOutcome(decision.getOutcome())
                        .setReason(decision.getReason()).setCompletedAtMillis(completion.getCompletedAtMillis())
                        .setApp(decision.getApp());
                if (decision.getOutcome() == Outcome.COMMITTED) {
                    decision.getBranchesList().forEach(branch -> outcome.addBranchIds(branch.getBranchId()));
                }
                finished.put(xid, outcome.build());
            }
        }
        long horizon = completion.getCompletedAtMillis() - retentionMillis;
        Iterator<FinishedOutcome> oldest = finished.values().iterator();
        while (oldest.hasNext() && oldest.next().getCompletedAtMillis() < horizon) {
            oldest.remove();
        }
    }

    /**
     * Records messages of a committed, unfinished transaction that Kafka refused for good: its
     * messages are set aside (see {@link dev.entente.coordinator.publish.PublishDriver}). A message
     * the decision does not carry, or whose refusal is recorded already, is ignored.
     */
    public synchronized void applyRefusal(PublishRefusalRecord record) {
        DecisionRecord decision = pending.get(record.getXid());
        if (decision != null && decision.getOutcome() == Outcome.COMMITTED) {
            pending.put(decision.getXid(), RefusedMessages.refused(decision, record.getRefusalsList()));
        }
    }

    /**
     * An operator dropped refused messages of a committed, unfinished transaction: they are never
     * published. Answers COMMITTED with how many were dropped, or UNKNOWN (with why) if the
     * transaction is no longer unfinished or none of them is refused and not yet dropped.
     */
    public synchronized ApplyReply applyDrop(RefusedMessagesDroppedRecord record) {
        DecisionRecord decision = pending.get(record.getXid());
        if (decision == null) {
            return ApplyReply.newBuilder().setOutcome(Outcome.UNKNOWN)
                    .setReason(record.getXid() + " has no unfinished decision (it finished meanwhile)").build();
        }
        DecisionRecord changed = RefusedMessages.dropped(decision, record.getMessageIdsList(), record.getDroppedAtMillis());
        int dropped = RefusedMessages.waiting(decision).size() - RefusedMessages.waiting(changed).size();
        if (dropped == 0) {
            return ApplyReply.newBuilder().setOutcome(Outcome.UNKNOWN)
                    .setReason("no message of " + record.getXid() + " named is refused and not yet dropped").build();
        }
        pending.put(decision.getXid(), changed);
        return ApplyReply.newBuilder().setOutcome(Outcome.COMMITTED).setReason(dropped + " refused messages dropped").build();
    }

    public synchronized void applyNodeAddress(NodeAddressRecord address) {
        nodes.put(address.getNodeId(), address);
    }

    /** The first identity written stands: two leaders of a new log may each have proposed one. */
    public synchronized void applyIdentity(ClusterIdentityRecord written) {
        if (identity == null && !written.getClusterId().isEmpty()) {
            identity = written;
        }
    }

    /** The cluster's id, once its first leader has written it. */
    public Optional<String> clusterId() {
        ClusterIdentityRecord known = identity;
        return known == null ? Optional.empty() : Optional.of(known.getClusterId());
    }

    /** True if any decision is remembered: a log written before cluster identities existed, if it has none. */
    public synchronized boolean remembersDecisions() {
        return !pending.isEmpty() || !finished.isEmpty();
    }

    public StatusAnswer status(String xid) {
        return status(xid, 0);
    }

    /**
     * The outcome of {@code xid}, or with a non-zero {@code branchId} of that branch: a branch commits
     * if and only if the commit decision names it, so one the decision leaves out (its vote came too
     * late, or never reached the coordinator) is rolled back.
     */
    public synchronized StatusAnswer status(String xid, long branchId) {
        DecisionRecord decision = pending.get(xid);
        if (decision != null) {
            StatusAnswer answer = StatusAnswer.newBuilder().setOutcome(decision.getOutcome()).setReason(decision.getReason())
                    .setApp(decision.getApp()).build();
            return branchId != 0 && decision.getOutcome() == Outcome.COMMITTED
                    && decision.getBranchesList().stream().noneMatch(b -> b.getBranchId() == branchId)
                    ? leftOut(answer, xid, branchId) : answer;
        }
        FinishedOutcome done = finished.get(xid);
        if (done != null) {
            StatusAnswer answer = StatusAnswer.newBuilder().setOutcome(done.getOutcome()).setReason(done.getReason())
                    .setPhaseTwoDone(true).setApp(done.getApp()).build();
            return branchId != 0 && done.getOutcome() == Outcome.COMMITTED && !done.getBranchIdsList().contains(branchId)
                    ? leftOut(answer, xid, branchId) : answer;
        }
        return StatusAnswer.newBuilder().setOutcome(Outcome.UNKNOWN)
                .setReason("no decision names " + xid + ": it was never decided (presumed aborted), "
                        + "or it finished more than " + retentionMillis / 1000 + " s ago")
                .build();
    }

    private static StatusAnswer leftOut(StatusAnswer committed, String xid, long branchId) {
        return committed.toBuilder().setOutcome(Outcome.ROLLED_BACK).setPhaseTwoDone(false)
                .setReason(xid + " committed without branch " + branchId + ": its vote missed the decision").build();
    }

    private Optional<ApplyReply> standingOutcome(String xid) {
        StatusAnswer answer = status(xid);
        if (answer.getOutcome() == Outcome.UNKNOWN) {
            return Optional.empty();
        }
        return Optional.of(ApplyReply.newBuilder().setOutcome(answer.getOutcome()).setReason(answer.getReason()).build());
    }

    public synchronized List<DecisionRecord> pendingDecisions() {
        return new ArrayList<>(pending.values());
    }

    public synchronized Optional<DecisionRecord> pendingDecision(String xid) {
        return Optional.ofNullable(pending.get(xid));
    }

    public synchronized int finishedCount() {
        return finished.size();
    }

    public synchronized Optional<NodeAddressRecord> nodeAddress(String nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }

    public synchronized TableSnapshot snapshot() {
        TableSnapshot.Builder snapshot = TableSnapshot.newBuilder().addAllPending(pending.values())
                .addAllFinished(finished.values()).addAllNodes(nodes.values());
        if (identity != null) {
            snapshot.setIdentity(identity);
        }
        return snapshot.build();
    }

    public synchronized void restore(TableSnapshot snapshot) {
        pending.clear();
        finished.clear();
        nodes.clear();
        snapshot.getPendingList().forEach(d -> pending.put(d.getXid(), d));
        snapshot.getFinishedList().forEach(f -> finished.put(f.getXid(), f));
        snapshot.getNodesList().forEach(n -> nodes.put(n.getNodeId(), n));
        identity = snapshot.hasIdentity() ? snapshot.getIdentity() : null;
    }
}
