package dev.entente.coordinator.txn;

import dev.entente.coordinator.log.ApplyReply;
import dev.entente.coordinator.log.BranchRef;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A global transaction between the first call that named it and its decision, held only in the
 * leader's memory (presumed abort: if the leader dies, nobody needs to know it existed). Guarded by
 * its own monitor.
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
    volatile String name;
    final String app;
    final long begunAtMillis;
    final long timeoutMillis;
    /** Its owner's Commit brought it, saying no other process had its XID: its decision stands in any term. */
    final boolean ownerOnly;
    private final ClientLimits limits;
    private final HeldBytes budget;
    /** What it holds of {@link #budget}: {@link HeldBytes#PER_TRANSACTION}, its branches and its messages. */
    private long heldBytes = HeldBytes.PER_TRANSACTION;
    /** By the branch id its RM chose, in the order the coordinator learned them. */
    private final Map<Long, Branch> branches = new LinkedHashMap<>();
    private String participantFailure; // the first participant that failed outside its branches, and why
    private final Map<String, OutgoingMessage> messages = new LinkedHashMap<>();
    private long messageBytes;
    private final List<CompletableFuture<Void>> voteWaiters = new ArrayList<>();
    private CompletableFuture<ApplyReply> decision;
    private boolean sealed; // a decision was submitted: the branch list may no longer change
    /** The owner's RM instance, which finishes its own branches right after the decision ("": none does). */
    private String phaseTwoByInstance = "";
    ScheduledFuture<?> timeout;

    /**
     * @param limits what it may hold (--max-branches-per-transaction, --max-messages-...)
     * @param budget the leader's budget for all undecided transactions, of which the caller took
     *               {@link HeldBytes#PER_TRANSACTION} for this one; {@link #left()} gives back what it holds
     */
    ActiveTransaction(String xid, String name, String app, long begunAtMillis, long timeoutMillis, boolean ownerOnly,
                      ClientLimits limits, HeldBytes budget) {
        this.ownerOnly = ownerOnly;
        this.limits = limits;
        this.budget = budget;
        this.xid = xid;
        this.name = name;
        this.app = app;
        this.begunAtMillis = begunAtMillis;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Its owner's Commit says the owner's RM instance {@code instanceId} finishes that instance's
     * branches itself; the first Commit says it (a retry finds the decision under way).
     */
    synchronized void phaseTwoBy(String instanceId) {
        if (!sealed) {
            phaseTwoByInstance = instanceId;
        }
    }

    /** The name its owner's Commit gives it (none before: a participant's first call does not know it). */
    void named(String given) {
        if (!given.isEmpty()) {
            name = given;
        }
    }

    /**
     * A branch its RM announces before its work, under the id the RM chose (its XA bqual); the same
     * registration again is a retry and changes nothing.
     */
    synchronized void register(long branchId, String resource, String instanceId, String app) {
        Branch known = branches.get(branchId);
        if (known != null) {
            if (!known.resource().equals(resource) || !known.app().equals(app)) {
                throw new Rejection(Rejection.Kind.CONFLICT, "RegisterBranch " + xid + ": branch " + branchId
                        + " is already registered on " + known.resource() + "; a branch id names one branch");
            }
            return;
        }
        requireUndecided("register branch " + branchId + " on " + resource);
        requireRoomForBranch("RegisterBranch", branchId);
        put(new Branch(branchId, resource, instanceId, app, BranchVote.BRANCH_VOTE_UNSPECIFIED, ""), "RegisterBranch");
    }

    private void requireRoomForBranch(String operation, long branchId) {
        if (branches.size() >= limits.branchesPerTransaction()) {
            throw Rejection.limit(operation + " " + xid + ": branch " + branchId + " refused, the transaction has "
                    + branches.size() + " branches", limits.branchesPerTransaction(), "--max-branches-per-transaction");
        }
    }

    /** Puts {@code branch} (new, or with its vote) in, holding its bytes from the leader's budget. */
    private void put(Branch branch, String operation) {
        Branch before = branches.get(branch.id());
        long bytes = HeldBytes.ofBranch(branch.resource(), branch.instanceId(), branch.app(), branch.reason())
                - (before == null ? 0 : HeldBytes.ofBranch(before.resource(), before.instanceId(), before.app(), before.reason()));
        budget.take(operation + " " + xid + " branch " + branch.id(), bytes);
        heldBytes += bytes;
        branches.put(branch.id(), branch);
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
     * Publish) is not added twice. Throws if the transaction's messages would exceed its limits or
     * the leader's budget.
     */
    synchronized void publish(String operation, List<OutgoingMessage> added) {
        requireUndecided("publish messages");
        long bytes = messageBytes;
        int count = messages.size();
        for (OutgoingMessage message : added) {
            if (!messages.containsKey(message.getMessageId())) {
                bytes += message.getSerializedSize();
                count++;
            }
        }
        if (count > limits.messagesPerTransaction()) {
            throw Rejection.limit(operation + " " + xid + ": the transaction would carry " + count + " messages",
                    limits.messagesPerTransaction(), "--max-messages-per-transaction");
        }
        if (bytes > limits.messageBytesPerTransaction()) {
            throw Rejection.limit(operation + " " + xid + ": the transaction's messages would be " + bytes + " bytes",
                    limits.messageBytesPerTransaction(), "--max-message-bytes-per-transaction");
        }
        budget.take(operation + " " + xid, bytes - messageBytes);
        heldBytes += bytes - messageBytes;
        added.forEach(message -> messages.putIfAbsent(message.getMessageId(), message));
        messageBytes = bytes;
    }

    /**
     * It left the leader's table (decided, or leadership lost): nothing may be added to it any more,
     * and what it held goes back to the leader's budget.
     */
    synchronized void left() {
        sealed = true;
        budget.give(heldBytes);
        heldBytes = 0;
    }

    synchronized int messageCount() {
        return messages.size();
    }

    /**
     * Records a branch's vote. A vote naming its resource introduces a branch the coordinator did not
     * know (the owner's own branches are not registered). The same vote again is a retry and changes
     * nothing, even while the decision is under way (the first one may have been counted, its reply
     * lost). A branch that failed stays failed: its RM has rolled it back, so no later vote may count
     * it as prepared.
     */
    synchronized void vote(Caller caller, BranchReport report) {
        vote(caller.app().orElse(""), report);
    }

    /** @param voter the application the vote is of ("" without authentication) */
    private void vote(String voter, BranchReport report) {
        long branchId = report.getBranchId();
        Branch branch = branches.get(branchId);
        if (branch == null && !report.getResource().isEmpty()) {
            requireUndecided("take the vote of unregistered branch " + branchId);
            requireRoomForBranch("ReportBranch", branchId);
            branch = new Branch(branchId, report.getResource(), report.getInstanceId(), voter,
                    BranchVote.BRANCH_VOTE_UNSPECIFIED, "");
            put(branch, "a vote of");
        }
        if (branch == null) {
            throw Rejection.invalid("transaction " + xid + " has no branch " + branchId);
        }
        if (!report.getResource().isEmpty() && !report.getResource().equals(branch.resource())) {
            throw new Rejection(Rejection.Kind.CONFLICT, "a vote of branch " + branchId + " of " + xid + " on "
                    + report.getResource() + ": that branch id names a branch on " + branch.resource());
        }
        if (!voter.isEmpty() && !branch.app().isEmpty() && !voter.equals(branch.app())) {
            throw new Rejection(Rejection.Kind.PERMISSION_DENIED, "vote for branch " + branchId + " of " + xid
                    + " refused: application '" + branch.app() + "' registered it, and only its own votes count");
        }
        BranchVote vote = report.getVote();
        if (branch.vote() == vote) {
            return;
        }
        requireUndecided("report branch " + branchId + " " + vote);
        if (branch.vote() == BranchVote.FAILED) {
            throw new Rejection(Rejection.Kind.CONFLICT, "cannot report branch " + branchId + " of " + xid + " " + vote
                    + ": it failed to prepare (" + branch.reason() + ") and was rolled back");
        }
        put(branch.voted(vote, report.getReason()), "a vote of");
        if (allVoted()) {
            voteWaiters.forEach(w -> w.complete(null));
            voteWaiters.clear();
        }
    }

    /**
     * A vote that came with Commit: a retried Commit finds the decision under way, which counted it the
     * first time; a branch its RM reported as failed stays failed, and the Commit becomes a rollback.
     * The owner relays the votes its participants returned in their responses, each naming the
     * application that prepared it ({@code BranchReport.app}); the owner is trusted with its own
     * transaction, so such a vote counts as that application's (for the branch's phase 2 and for a
     * registered branch's registrant).
     */
    synchronized void voteUnlessDeciding(Caller caller, BranchReport report) {
        Branch known = branches.get(report.getBranchId());
        boolean failedBefore = known != null && known.vote() == BranchVote.FAILED;
        if (!sealed && !failedBefore) {
            boolean relayed = caller.app().isPresent() && !report.getApp().isEmpty();
            vote(relayed ? report.getApp() : caller.app().orElse(""), report);
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
        return branches.values().stream().noneMatch(b -> b.vote() == BranchVote.BRANCH_VOTE_UNSPECIFIED);
    }

    synchronized List<Branch> branches() {
        return List.copyOf(branches.values());
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
            for (Branch branch : branches.values()) {
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
                .setDecidedAtMillis(nowMillis).setBegunAtMillis(begunAtMillis).setName(name).setApp(app)
                .setOwnerOnly(ownerOnly).setPhaseTwoByInstance(phaseTwoByInstance);
        if (outcome == Outcome.COMMITTED) {
            record.addAllMessages(messages.values());
        }
        for (Branch branch : branches.values()) {
            if (branch.vote() != BranchVote.READ_ONLY) {
                record.addBranches(BranchRef.newBuilder().setBranchId(branch.id())
                        .setResource(branch.resource()).setInstanceId(branch.instanceId()).setApp(branch.app()));
            }
        }
        return record.build();
    }

    /** A decision was submitted: votes, branches and messages may no longer change. */
    synchronized boolean sealed() {
        return sealed;
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
