package dev.entente.coordinator.txn;

import dev.entente.coordinator.log.ApplyReply;
import dev.entente.coordinator.log.BranchRef;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A global transaction between Begin and its decision, held only in the leader's memory (presumed
 * abort: if the leader dies, nobody needs to know it existed). Guarded by its own monitor.
 */
final class ActiveTransaction {

    /** The branch id of a participant's failure outside any branch of its own (ReportBranch FAILED). */
    static final long PARTICIPANT = 0;

    /** @param app the authenticated application that registered it, the only one whose votes count for it */
    record Branch(long id, String resource, String instanceId, String app, BranchVote vote, String reason) {
        Branch voted(BranchVote newVote, String why) {
            return new Branch(id, resource, instanceId, app, newVote, why);
        }
    }

    final String xid;
    final String name;
    final String app;
    final long begunAtMillis;
    final long timeoutMillis;
    private final List<Branch> branches = new ArrayList<>();
    private final Map<String, Long> branchByRequest = new HashMap<>();
    private String participantFailure; // the first participant that failed outside its branches, and why
    private final Map<String, OutgoingMessage> messages = new LinkedHashMap<>();
    private long messageBytes;
    private final List<CompletableFuture<Void>> voteWaiters = new ArrayList<>();
    private CompletableFuture<ApplyReply> decision;
    private boolean sealed; // a decision was submitted: the branch list may no longer change
    ScheduledFuture<?> timeout;

    ActiveTransaction(String xid, String name, String app, long begunAtMillis, long timeoutMillis) {
        this.xid = xid;
        this.name = name;
        this.app = app;
        this.begunAtMillis = begunAtMillis;
        this.timeoutMillis = timeoutMillis;
    }

    /** A new branch, or the one a retry of the same request registered. */
    synchronized long register(String resource, String instanceId, String app, String requestId) {
        Long registered = requestId.isEmpty() ? null : branchByRequest.get(requestId);
        if (registered != null) {
            Branch branch = branches.get((int) (registered - 1));
            if (!branch.resource().equals(resource) || !branch.app().equals(app)) {
                throw new Rejection(Rejection.Kind.CONFLICT, "RegisterBranch " + xid + ": request " + requestId
                        + " registered branch " + registered + " on " + branch.resource() + " before; a retry must repeat it");
            }
            return registered;
        }
        requireUndecided("register a branch on " + resource);
        long id = branches.size() + 1L;
        branches.add(new Branch(id, resource, instanceId, app, BranchVote.BRANCH_VOTE_UNSPECIFIED, ""));
        if (!requestId.isEmpty()) {
            branchByRequest.put(requestId, id);
        }
        return id;
    }

    /** A participant failed outside any branch of its own: a commit becomes a rollback. */
    synchronized void participantFailed(Caller caller, String reason) {
        if (participantFailure != null) {
            return;
        }
        requireUndecided("report a participant's failure");
        participantFailure = caller + " failed: " + (reason.isEmpty() ? "no reason given" : reason);
    }

    /**
     * Adds messages to publish if this transaction commits; a message id seen before (a retried
     * Publish) is not added twice. Throws if the transaction's messages would exceed the limits.
     */
    synchronized void publish(List<OutgoingMessage> added, int maxMessages, long maxBytes) {
        requireUndecided("publish messages");
        long bytes = messageBytes;
        int count = messages.size();
        for (OutgoingMessage message : added) {
            if (!messages.containsKey(message.getMessageId())) {
                bytes += message.getSerializedSize();
                count++;
            }
        }
        if (count > maxMessages || bytes > maxBytes) {
            throw Rejection.invalid("Publish " + xid + ": a transaction may publish at most " + maxMessages
                    + " messages of " + maxBytes + " bytes in all; this one would have " + count + " of " + bytes);
        }
        added.forEach(message -> messages.putIfAbsent(message.getMessageId(), message));
        messageBytes = bytes;
    }

    synchronized int messageCount() {
        return messages.size();
    }

    /**
     * Records a branch's vote. The same vote again is a retry and changes nothing, even while the
     * decision is under way (the first one may have been counted, its reply lost). A branch that
     * failed stays failed: its RM has rolled it back, so no later vote may count it as prepared.
     */
    synchronized void vote(Caller caller, long branchId, BranchVote vote, String reason) {
        if (branchId < 1 || branchId > branches.size()) {
            throw Rejection.invalid("transaction " + xid + " has no branch " + branchId);
        }
        Branch branch = branches.get((int) (branchId - 1));
        caller.requireRegistrant(branch.app(), xid, branchId);
        if (branch.vote() == vote) {
            return;
        }
        requireUndecided("report branch " + branchId + " " + vote);
        if (branch.vote() == BranchVote.FAILED) {
            throw new Rejection(Rejection.Kind.CONFLICT, "cannot report branch " + branchId + " of " + xid + " " + vote
                    + ": it failed to prepare (" + branch.reason() + ") and was rolled back");
        }
        branches.set((int) (branchId - 1), branch.voted(vote, reason));
        if (allVoted()) {
            voteWaiters.forEach(w -> w.complete(null));
            voteWaiters.clear();
        }
    }

    /**
     * A vote that came with Commit: a retried Commit finds the decision under way, which counted it the
     * first time; a branch its RM reported as failed stays failed, and the Commit becomes a rollback.
     */
    synchronized void voteUnlessDeciding(Caller caller, long branchId, BranchVote vote, String reason) {
        boolean failedBefore = branchId >= 1 && branchId <= branches.size()
                && branches.get((int) (branchId - 1)).vote() == BranchVote.FAILED;
        if (!sealed && !failedBefore) {
            vote(caller, branchId, vote, reason);
        }
    }

    /** Why a commit is impossible whatever the votes, if a participant said so. */
    synchronized Optional<String> participantFailure() {
        return Optional.ofNullable(participantFailure);
    }

    private void requireUndecided(String what) {
        if (sealed) {
            throw new Rejection(Rejection.Kind.NOT_ACTIVE, "cannot " + what + ": transaction " + xid + " is already being decided");
        }
    }

    /** Completes once every registered branch has voted (at once if none is missing). */
    synchronized CompletableFuture<Void> votesIn() {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        if (allVoted()) {
            waiter.complete(null);
        } else {
            voteWaiters.add(waiter);
        }
        return waiter;
    }

    private boolean allVoted() {
        return branches.stream().noneMatch(b -> b.vote() == BranchVote.BRANCH_VOTE_UNSPECIFIED);
    }

    synchronized List<Branch> branches() {
        return List.copyOf(branches);
    }

    /**
     * The decision record this transaction gets if the TM asks for {@code wanted}: a commit becomes a
     * rollback when a branch failed or never voted.
     */
    synchronized DecisionRecord decisionFor(Outcome wanted, String rollbackReason, long nowMillis) {
        Outcome outcome = wanted;
        String reason = rollbackReason;
        if (wanted == Outcome.COMMITTED && participantFailure != null) {
            outcome = Outcome.ROLLED_BACK;
            reason = participantFailure;
        }
        if (outcome == Outcome.COMMITTED) {
            for (Branch branch : branches) {
                if (branch.vote() == BranchVote.FAILED) {
                    outcome = Outcome.ROLLED_BACK;
                    reason = "branch " + branch.id() + " on " + branch.resource() + " failed to prepare: " + branch.reason();
                    break;
                }
                if (branch.vote() == BranchVote.BRANCH_VOTE_UNSPECIFIED) {
                    outcome = Outcome.ROLLED_BACK;
                    reason = "branch " + branch.id() + " on " + branch.resource() + " never prepared";
                    break;
                }
            }
        }
        DecisionRecord.Builder record = DecisionRecord.newBuilder().setXid(xid).setOutcome(outcome)
                .setReason(outcome == Outcome.COMMITTED ? "" : reason)
                .setDecidedAtMillis(nowMillis).setBegunAtMillis(begunAtMillis).setName(name).setApp(app);
        if (outcome == Outcome.COMMITTED) {
            record.addAllMessages(messages.values());
        }
        for (Branch branch : branches) {
            if (branch.vote() != BranchVote.READ_ONLY) {
                record.addBranches(BranchRef.newBuilder().setBranchId(branch.id())
                        .setResource(branch.resource()).setInstanceId(branch.instanceId()).setApp(branch.app()));
            }
        }
        return record.build();
    }

    synchronized CompletableFuture<ApplyReply> decision() {
        return decision;
    }

    synchronized void deciding(CompletableFuture<ApplyReply> pending) {
        this.decision = pending;
        this.sealed = true;
    }

    /** A decision attempt that failed before it was known to be committed may be made again. */
    synchronized void decisionFailed(CompletableFuture<ApplyReply> failed) {
        if (decision == failed) {
            decision = null;
        }
    }
}
