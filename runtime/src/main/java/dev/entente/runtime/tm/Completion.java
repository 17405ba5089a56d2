package dev.entente.runtime.tm;

import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.OutgoingMessage;
import java.util.List;

/**
 * The end of one global transaction this process owns, as its {@link Participant}s see it: what the
 * owner asks (commit, or roll back and why) and what its request carries; then the decision; then
 * whether every branch is known to have finished phase 2. The transaction manager fills in each part
 * before the step that reads it.
 */
public final class Completion {

    private final String xid;
    /** Why the owner rolls back; null if it asks for commit. */
    private final String rollbackReason;
    private boolean waitForPhaseTwo;
    private String kafka;
    private List<OutgoingMessage> messages;
    private List<BranchReport> votes = List.of();
    private boolean committed;
    private boolean outcomeKnown = true;
    private String reason = "";
    private boolean finishesHere;
    private int finishedHere;
    private boolean phaseTwoDone;

    private Completion(String xid, String rollbackReason) {
        this.xid = xid;
        this.rollbackReason = rollbackReason;
    }

    static Completion commit(String xid) {
        return new Completion(xid, null);
    }

    static Completion rollback(String xid, String reason) {
        return new Completion(xid, reason);
    }

    public String xid() {
        return xid;
    }

    /** Whether the owner asks for commit; if not, {@link #rollbackReason} says why it rolls back. */
    public boolean commits() {
        return rollbackReason == null;
    }

    public String rollbackReason() {
        return rollbackReason;
    }

    // ---- before completion: what the owner's request carries ----

    /** The end must wait until every branch finished phase 2: what a participant holds lasts until then. */
    public void waitForPhaseTwo() {
        waitForPhaseTwo = true;
    }

    /** {@code messages}, to be published to Kafka {@code kafka} if and only if the transaction commits, ride the Commit. */
    public void carry(String kafka, List<OutgoingMessage> messages) {
        this.kafka = kafka;
        this.messages = messages;
    }

    boolean waitsForPhaseTwo() {
        return waitForPhaseTwo;
    }

    boolean carriesMessages() {
        return messages != null;
    }

    String kafka() {
        return kafka;
    }

    List<OutgoingMessage> messages() {
        return messages;
    }

    void carryVotes(List<BranchReport> votes) {
        this.votes = votes;
    }

    // ---- the decision ----

    /**
     * @param reason       why it did not commit ("" if it did)
     * @param finishesHere whether this process finishes its own prepared branches now
     */
    void decided(boolean committed, String reason, boolean finishesHere) {
        this.committed = committed;
        this.reason = reason;
        this.finishesHere = finishesHere;
    }

    /** The Commit's answer never came: the coordinator, and recovery, settle the transaction. */
    void outcomeUnknown() {
        outcomeKnown = false;
    }

    /** Whether the outcome is known here: committed, or rolled back (false when the Commit's answer never came). */
    public boolean outcomeKnown() {
        return outcomeKnown;
    }

    /** The votes the owner's request carried: of this process's branches and of those its called services returned. */
    public List<BranchReport> votes() {
        return votes;
    }

    /** Whether the transaction is known to have committed (false too when the Commit's answer never came). */
    public boolean committed() {
        return committed;
    }

    /** Why the transaction did not commit; "" if it did. */
    public String reason() {
        return reason;
    }

    /**
     * Whether this process finishes its own prepared branches now (phase 2 by the owner's RM); if not,
     * the coordinator does (the outcome is unknown, or it was asked to drive and wait for phase 2).
     */
    public boolean finishesHere() {
        return finishesHere;
    }

    /** A participant finished {@code branches} prepared branches here. */
    public void finishedHere(int branches) {
        finishedHere += branches;
    }

    /** Whether every prepared branch among the votes was finished here. */
    boolean everyPreparedFinishedHere() {
        int prepared = 0;
        for (BranchReport vote : votes) {
            if (vote.getVote() == BranchVote.PREPARED) {
                prepared++;
            }
        }
        return finishedHere == prepared;
    }

    // ---- after completion ----

    void ended(boolean phaseTwoDone) {
        this.phaseTwoDone = phaseTwoDone;
    }

    /** Whether every branch finished phase 2; if not, the outcome or phase 2 is still to come. */
    public boolean phaseTwoDone() {
        return phaseTwoDone;
    }
}
