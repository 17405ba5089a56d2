package dev.entente.runtime.http;

import dev.entente.bootstrap.HttpHook;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.TokenBook;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.ArrivedTokens;
import dev.entente.runtime.tm.CarriedVotes;
import dev.entente.runtime.tm.TransactionManager;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incoming requests that carry a global transaction, whichever server serves them: which are admitted
 * into it, how their work ends, and how they answer with the votes of that work.
 *
 * <p>The XID travels with the transaction's token (header {@code entente-token}), which the coordinator
 * checks on every call that joins or acts for the transaction ({@link ArrivedTokens}). A request with an XID
 * but no token still runs inside the transaction, so that its work is never done outside it, but the
 * coordinator refuses its branches, votes and messages: the transaction cannot commit with that work, and
 * the handler's failure rolls it back.
 *
 * <p>An XID is taken only from a sender that the setting {@code accept-context-from} accepts ({@link
 * ContextSources}); from any other the request runs outside every global transaction, as if it carried
 * none, and the first such request of each sender address is logged.
 */
public final class JoinedRequests {

    private static final Logger LOG = LoggerFactory.getLogger(JoinedRequests.class);

    /** Senders whose context was refused and logged; past this many, refusals are no longer logged. */
    private static final int REFUSALS_LOGGED = 1000;

    private final ResourceManager resources;
    private final TransactionManager transactions;
    private final CarriedVotes votes;
    private final Runnable sessionNeeded;
    private final ContextSources acceptedSenders;
    private final Set<String> refusedSenders = ConcurrentHashMap.newKeySet();
    private final ArrivedTokens arrivedTokens;

    /**
     * @param sessionNeeded run when a request joins a transaction: this process must be reachable for
     *                      the phase 2 of its branches, which it may never ask the coordinator about
     */
    public JoinedRequests(ResourceManager resources, TransactionManager transactions, CarriedVotes votes,
                          ContextSources acceptedSenders, TokenBook tokens, Runnable sessionNeeded) {
        this.resources = resources;
        this.transactions = transactions;
        this.votes = votes;
        this.acceptedSenders = acceptedSenders;
        this.arrivedTokens = new ArrivedTokens(tokens, transactions, LOG, "a request", "the caller's agent sends both");
        this.sessionNeeded = sessionNeeded;
    }

    /**
     * {@code request}, which carries {@code xid}, joins its transaction; null when it may not (a sender
     * not accepted, a malformed XID), and then it runs outside any. {@code response} is where the votes of
     * its work go, if its caller reads them; {@code sure}: nothing of that response can leave before it
     * takes them.
     */
    JoinedRequest join(String xid, Object request, Object response, boolean sure) {
        if (!acceptedSenders.acceptsAll()) {
            InetAddress sender = ServerMessages.sender(request);
            if (!acceptedSenders.accepts(sender)) {
                refused(sender);
                return null;
            }
        }
        if (!Xids.isWellFormed(xid)) {
            LOG.warn("ignoring malformed {} header on an incoming request: '{}'", HttpHook.XID_HEADER,
                    xid.length() > 80 ? xid.substring(0, 80) + "..." : xid);
            return null;
        }
        arrivedTokens.arrived(xid, ServerMessages.header(request, HttpHook.TOKEN_HEADER));
        sessionNeeded.run();
        boolean carriesVotes = "1".equals(ServerMessages.header(request, HttpHook.ACCEPT_VOTES_HEADER)) && response != null;
        if (carriesVotes) {
            votes.openAnswer(xid, sure);
        }
        return new JoinedRequest(xid, response, carriesVotes, sure);
    }

    private void refused(InetAddress sender) {
        String address = sender == null ? "an unknown address" : sender.getHostAddress();
        if (refusedSenders.size() < REFUSALS_LOGGED && refusedSenders.add(address)) {
            LOG.warn("ignoring the {} header of a request from {}: the setting accept-context-from accepts transaction "
                    + "context only from {}; the request runs outside any global transaction (logged once per sender)",
                    HttpHook.XID_HEADER, address, acceptedSenders);
        }
    }

    /**
     * The request's work is over: this service's open branches of its transaction prepare; or, if the
     * work failed ({@code failure} not null), the transaction is marked for rollback (once) and they roll back.
     */
    void workEnded(JoinedRequest request, Throwable failure) {
        if (failure != null) {
            if (request.fails()) { // once: a response that left with a server error fails its handler's end too
                transactions.markRollbackOnly(request.xid, "a request handler failed: " + failure);
            }
            resources.abandon(request.xid, "the request handler failed: " + failure);
        } else {
            resources.endOfWork(request.xid);
        }
    }

    /**
     * Puts the votes waiting for the request's response into it, if its caller reads them; those it
     * cannot take are reported. {@code leaving}: the response is being sent now. A sure response not
     * answered by the end of its request is taken as never sent: no decision can name the votes it was
     * to carry, so their branches roll back here.
     */
    void answer(JoinedRequest request, boolean leaving, Throwable failure) {
        if (!request.carriesVotes || !request.takeAnswer()) {
            return;
        }
        List<BranchReport> carried = votes.takeForAnswer(request.xid, request.sure);
        if (carried.isEmpty() || ((leaving || !request.sure)
                && ServerMessages.setHeader(request.response, HttpHook.VOTES_HEADER, VotesHeader.encode(ownAppNamed(carried))))) {
            return;
        }
        if (request.sure) {
            // no response took them, so no decision can name them: their branches roll back here, and so
            // must the transaction (the caller cannot commit with this work)
            resources.phaseTwo().finishPrepared(carried, false, "the response to its request under " + request.xid + " was never sent");
            if (failure == null) {
                transactions.markRollbackOnly(request.xid, "a request under it ended without a response for the votes of its work");
            }
        } else {
            resources.votes().report(carried); // registered branches: the coordinator waits for these reports
        }
    }

    /**
     * The votes with this application's name on those of its own branches: the owner's Commit relays
     * them, and the coordinator sends their phase 2 to this application's sessions.
     */
    private List<BranchReport> ownAppNamed(List<BranchReport> carried) {
        List<BranchReport> named = new ArrayList<>(carried.size());
        for (BranchReport vote : carried) {
            boolean own = vote.getApp().isEmpty() && vote.getInstanceId().equals(resources.votes().instanceId());
            named.add(own ? vote.toBuilder().setApp(transactions.app()).build() : vote);
        }
        return named;
    }
}
