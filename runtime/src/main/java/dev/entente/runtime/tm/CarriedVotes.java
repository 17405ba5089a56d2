package dev.entente.runtime.tm;

import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Votes that travel with the work instead of being reported to the coordinator one by one (protocol
 * v2): the votes of branches prepared in this process, and those a called service returned in its
 * response, wait here for the carrier that takes them on. In the process that owns a transaction the
 * carrier is its {@code Commit}; in a participant it is the response to the request being served,
 * if its caller accepts votes in responses.
 *
 * <p>A carrier is <em>sure</em> when nothing can leave before it takes the votes: the owner's Commit,
 * and the response of a server whose sending this process sees first (the JDK's {@code HttpExchange}).
 * A branch enlisted while a sure carrier is open is not registered at the coordinator: its vote is
 * certain to reach the decision, or the decision cannot name it. A Servlet response may be committed
 * by the container without notice (a full buffer), so a Servlet carrier is not sure: branches under it
 * are registered first, and their votes still ride its response when they can (one call instead of two).
 */
public final class CarriedVotes {

    /** What is open for one XID in this process. */
    private static final class Carriers {
        boolean commit;
        int sureAnswers;
        int answers;
        /** By resource and branch id: the same vote returned twice (a header read twice) counts once. */
        final Map<String, BranchReport> votes = new LinkedHashMap<>();

        boolean isEmpty() {
            return !commit && answers == 0;
        }
    }

    private final Map<String, Carriers> byXid = new HashMap<>();

    /** This process owns {@code xid} and will ask to commit it: votes wait for that Commit. */
    public synchronized void awaitCommit(String xid) {
        byXid.computeIfAbsent(xid, x -> new Carriers()).commit = true;
    }

    /**
     * The votes kept for {@code xid}'s Commit, and no longer kept from now on: a later vote is reported
     * by itself (and, after the decision, its branch rolls back: the decision does not name it).
     */
    public synchronized List<BranchReport> takeForCommit(String xid) {
        Carriers carriers = byXid.get(xid);
        if (carriers == null || !carriers.commit) {
            return List.of();
        }
        carriers.commit = false;
        return drain(xid, carriers);
    }

    /** A request under {@code xid} is served here whose response will carry votes ({@code sure}: see above). */
    public synchronized void openAnswer(String xid, boolean sure) {
        Carriers carriers = byXid.computeIfAbsent(xid, x -> new Carriers());
        carriers.answers++;
        if (sure) {
            carriers.sureAnswers++;
        }
    }

    /**
     * The response of a request opened by {@link #openAnswer} leaves (or the request ended without
     * one): the votes it carries, which no other carrier will take. The answer is closed.
     */
    public synchronized List<BranchReport> takeForAnswer(String xid, boolean sure) {
        Carriers carriers = byXid.get(xid);
        if (carriers == null || carriers.answers == 0) {
            return List.of();
        }
        carriers.answers--;
        if (sure) {
            carriers.sureAnswers--;
        }
        return drain(xid, carriers);
    }

    private List<BranchReport> drain(String xid, Carriers carriers) {
        List<BranchReport> taken = new ArrayList<>(carriers.votes.values());
        carriers.votes.clear();
        if (carriers.isEmpty()) {
            byXid.remove(xid);
        }
        return taken;
    }

    /** Whether a branch enlisted under {@code xid} now need not be registered: a sure carrier will take its vote. */
    public synchronized boolean surelyCarried(String xid) {
        Carriers carriers = byXid.get(xid);
        return carriers != null && (carriers.commit || carriers.sureAnswers > 0);
    }

    /** Keeps {@code vote} for a carrier of its transaction; false if none is open (the vote must be reported). */
    public synchronized boolean keep(BranchReport vote) {
        Carriers carriers = byXid.get(vote.getXid());
        if (carriers == null) {
            return false;
        }
        // a branch that failed stays failed, whatever vote for it comes later
        carriers.votes.merge(vote.getResource() + "#" + vote.getBranchId(), vote,
                (kept, later) -> kept.getVote() == BranchVote.FAILED ? kept : later);
        return true;
    }
}
