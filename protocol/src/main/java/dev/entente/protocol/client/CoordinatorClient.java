package dev.entente.protocol.client;

import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.LeaderHint;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.PublishRequest;
import dev.entente.protocol.RegisterBranchRequest;
import dev.entente.protocol.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a coordinator cluster that follows its leader. Any node's client address will do: a
 * follower answers with the leader's address and the client goes there. Calls that meet no leader
 * are retried with backoff within a bounded budget, then fail with {@link CoordinatorException}.
 *
 * <p>A call that joins or acts for a transaction carries its token: the one the request names, or else
 * the one this client's {@link #tokens() book} holds for its XID (filled by an {@link XidMint} minting
 * from a session of this client, and by a runtime that joins a transaction); the book forgets it when a
 * Commit or Rollback of it is answered.
 */
public final class CoordinatorClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorClient.class);

    private final List<String> addresses;
    private final Duration retryBudget;
    private final Duration callTimeout;
    private final ClientSecurity security;
    private volatile boolean closed;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile String leader;
    private final TokenBook tokens = new TokenBook();

    public CoordinatorClient(List<String> addresses, Duration retryBudget, Duration callTimeout) {
        this(addresses, retryBudget, callTimeout, ClientSecurity.plainText());
    }

    public CoordinatorClient(List<String> addresses, Duration retryBudget, Duration callTimeout, ClientSecurity security) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a coordinator client needs at least one address");
        }
        this.addresses = List.copyOf(addresses);
        this.retryBudget = retryBudget;
        this.callTimeout = callTimeout;
        this.security = security;
        this.leader = addresses.get(0);
    }

    /** A client with the defaults: 15 s to find a leader, 10 s for one call. */
    public static CoordinatorClient connect(String addressList) {
        return connect(addressList, ClientSecurity.plainText());
    }

    /** The same over TLS and with credentials, as {@code security} says. */
    public static CoordinatorClient connect(String addressList, ClientSecurity security) {
        return new CoordinatorClient(CoordinatorAddresses.parse("coordinator", addressList),
                Duration.ofSeconds(15), Duration.ofSeconds(10), security);
    }

    /** The tokens of the transactions this process holds, attached to the calls that name them. */
    public TokenBook tokens() {
        return tokens;
    }

    /** Announces branch {@code branchId} (the RM's own choice) before its work; retries repeat the same id. */
    public void registerBranch(String xid, long branchId, String resource, String instanceId) {
        RegisterBranchRequest request = RegisterBranchRequest.newBuilder().setXid(xid).setBranchId(branchId)
                .setResource(resource).setInstanceId(instanceId).setToken(tokens.get(xid)).build();
        call("RegisterBranch " + xid, stub -> stub.registerBranch(request));
    }

    public void reportBranch(String xid, long branchId, BranchVote vote, String reason) {
        reportBranch(BranchReport.newBuilder().setXid(xid).setBranchId(branchId).setVote(vote).setReason(reason).build());
    }

    /** A vote; one that names its resource introduces a branch the coordinator has not heard of. */
    public void reportBranch(BranchReport given) {
        BranchReport report = given.getToken().isEmpty() ? given.toBuilder().setToken(tokens.get(given.getXid())).build() : given;
        call("ReportBranch " + report.getXid(), stub -> stub.reportBranch(report));
    }

    /**
     * This participant failed outside any branch of its own (a lost lock, a failed request handler, a
     * refused publish): the transaction must roll back. Any participant may say so; only the owner ends it.
     */
    public void reportFailure(String xid, String reason) {
        reportBranch(xid, 0, BranchVote.FAILED, reason.length() <= 1000 ? reason : reason.substring(0, 1000) + "...");
    }

    public OutcomeReply commit(String xid, boolean waitForPhaseTwo) {
        return commit(xid, waitForPhaseTwo, List.of());
    }

    /** Commit, carrying the votes of branches that did not report them by {@link #reportBranch}. */
    public OutcomeReply commit(String xid, boolean waitForPhaseTwo, List<BranchReport> votes) {
        return commit(xid, waitForPhaseTwo, votes, "", List.of());
    }

    /**
     * Commit, carrying votes and the messages to publish to {@code kafka} if it commits (a message that
     * cannot be published makes the outcome a rollback naming it).
     */
    public OutcomeReply commit(String xid, boolean waitForPhaseTwo, List<BranchReport> votes, String kafka,
                               List<OutgoingMessage> messages) {
        return commit(EndRequest.newBuilder().setXid(xid).setWaitForPhaseTwo(waitForPhaseTwo).addAllVotes(votes)
                .setKafka(kafka).addAllMessages(messages).build());
    }

    /** Commit as {@code request} asks (its votes, messages and the transaction's name). */
    public OutcomeReply commit(EndRequest given) {
        EndRequest request = withToken(given);
        OutcomeReply outcome = call("Commit " + request.getXid(), stub -> stub.commit(request));
        tokens.forget(request.getXid());
        return outcome;
    }

    public OutcomeReply rollback(String xid, String reason, boolean waitForPhaseTwo) {
        return rollback(EndRequest.newBuilder().setXid(xid).setReason(reason).setWaitForPhaseTwo(waitForPhaseTwo).build());
    }

    /** Rolls back {@code given}'s XID; the prepared branches its votes name are rolled back by phase 2. */
    public OutcomeReply rollback(EndRequest given) {
        EndRequest request = withToken(given);
        OutcomeReply outcome = call("Rollback " + request.getXid(), stub -> stub.rollback(request));
        tokens.forget(request.getXid());
        return outcome;
    }

    private EndRequest withToken(EndRequest request) {
        return request.getToken().isEmpty() ? request.toBuilder().setToken(tokens.get(request.getXid())).build() : request;
    }

    /** Adds {@code messages} to {@code xid}: published to {@code kafka} if and only if it commits. */
    public void publish(String xid, String kafka, List<OutgoingMessage> messages) {
        PublishRequest request = PublishRequest.newBuilder().setXid(xid).setKafka(kafka).addAllMessages(messages)
                .setToken(tokens.get(xid)).build();
        call("Publish " + xid, stub -> stub.publish(request));
    }

    public OutcomeReply status(String xid) {
        return status(xid, 0);
    }

    /**
     * The outcome of branch {@code branchId} of {@code xid} (0: of the transaction): COMMITTED only if
     * the commit decision names the branch.
     */
    public OutcomeReply status(String xid, long branchId) {
        return status(xid, branchId, false);
    }

    /**
     * As {@link #status(String, long)}; with {@code abortIfUndecided}, the answer for an XID no decision
     * names and that can no longer commit is final (an abort is written first where needed): what an RM
     * asks before it rolls back a branch it found in doubt. ACTIVE means it may still commit.
     */
    public OutcomeReply status(String xid, long branchId, boolean abortIfUndecided) {
        StatusRequest request = StatusRequest.newBuilder().setXid(xid).setBranchId(branchId)
                .setAbortIfUndecided(abortIfUndecided).build();
        return call("Status " + xid, stub -> stub.status(request));
    }

    /** The address this client currently takes for the leader's. */
    public String leaderAddress() {
        return leader;
    }

    /** The addresses this client was given, in order. */
    public List<String> addresses() {
        return addresses;
    }

    /**
     * Follows a leader hint from a failed call, or moves on to the next known address. A client given
     * several addresses follows only hints among them: the hint is the address the leader knows itself
     * by, which a client reaching the cluster through proxies or port mappings may not be able to reach
     * (or must not: it would slip past the route it was given); trying its own addresses in turn finds
     * the leader just the same.
     */
    void redirect(Throwable failure) {
        String hint = leaderHint(failure);
        String current = leader;
        if (followable(hint)) {
            leader = hint;
        } else {
            leader = addresses.get((addresses.indexOf(current) + 1) % addresses.size());
        }
    }

    private <T> T call(String what, Function<CoordinatorGrpc.CoordinatorBlockingStub, T> rpc) {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        long backoffMillis = 25;
        StatusRuntimeException last;
        while (true) {
            String target = leader;
            try {
                return rpc.apply(CoordinatorGrpc.newBlockingStub(channel(target))
                        .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                last = e;
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    throw new CoordinatorException(e.getStatus().getCode(),
                            what + " refused by the coordinator at " + target + ": " + e.getStatus().getDescription(), e);
                }
                LOG.debug("{} at {}: {}", what, target, e.getStatus());
                boolean hinted = followable(leaderHint(e)) && !leaderHint(e).equals(target);
                redirect(e);
                if (!hinted) {
                    sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 1000);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new CoordinatorException(Status.Code.UNAVAILABLE, what + " failed: no coordinator leader answered within "
                        + retryBudget.toMillis() + " ms among " + addresses + " (last error: "
                        + last.getStatus().getCode() + " " + last.getStatus().getDescription() + ")", last);
            }
        }
    }

    private boolean followable(String hint) {
        return hint != null && (addresses.size() == 1 || addresses.contains(hint));
    }

    private static String leaderHint(Throwable failure) {
        Metadata trailers = Status.trailersFromThrowable(failure);
        return trailers == null ? null : trailers.get(LeaderHint.KEY);
    }

    /** The channel to {@code address}, opened on first use (streaming calls go to the leader's). */
    ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a, security.channelCredentials())
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorException(Status.Code.CANCELLED, "interrupted while waiting for the coordinator", e);
        }
    }

    /** True once {@link #close()} ran: sessions over this client end instead of reconnecting. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
