package dev.entente.coordinator.rpc;

import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.phase2.PhaseTwoDriver;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.security.ClientAuthenticator;
import dev.entente.coordinator.session.RmSessions;
import dev.entente.coordinator.session.ServerRmSession;
import dev.entente.coordinator.txn.ActiveTransactions;
import dev.entente.coordinator.txn.Caller;
import dev.entente.coordinator.txn.Rejection;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchReportReply;
import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.PublishReply;
import dev.entente.protocol.PublishRequest;
import dev.entente.protocol.RegisterBranchReply;
import dev.entente.protocol.RegisterBranchRequest;
import dev.entente.protocol.SessionDown;
import dev.entente.protocol.SessionUp;
import dev.entente.protocol.StatusRequest;
import dev.entente.protocol.Xids;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The coordinator's gRPC endpoint: validates, checks leadership, and hands each call to its owner. */
public final class CoordinatorService extends CoordinatorGrpc.CoordinatorImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorService.class);
    private static final Duration PHASE_TWO_WAIT = Duration.ofSeconds(30);

    private final LeaderGuard guard;
    private final ActiveTransactions transactions;
    private final PhaseTwoDriver phaseTwo;
    private final RmSessions sessions;
    private final CoordinatorMetrics metrics;

    public CoordinatorService(LeaderGuard guard, ActiveTransactions transactions, PhaseTwoDriver phaseTwo,
                              RmSessions sessions, CoordinatorMetrics metrics) {
        this.guard = guard;
        this.transactions = transactions;
        this.phaseTwo = phaseTwo;
        this.sessions = sessions;
        this.metrics = metrics;
    }

    @Override
    public void registerBranch(RegisterBranchRequest request, StreamObserver<RegisterBranchReply> reply) {
        answer(request.getXid(), reply, () -> {
            transactions.registerBranch(ClientAuthenticator.caller(), request.getXid(), request.getToken(), request.getBranchId(),
                    request.getResource(), request.getInstanceId());
            return RegisterBranchReply.getDefaultInstance();
        });
    }

    @Override
    public void reportBranch(BranchReport request, StreamObserver<BranchReportReply> reply) {
        answer(request.getXid(), reply, () -> {
            transactions.reportBranch(ClientAuthenticator.caller(), request);
            return BranchReportReply.getDefaultInstance();
        });
    }

    @Override
    public void publish(PublishRequest request, StreamObserver<PublishReply> reply) {
        answer(request.getXid(), reply, () -> {
            transactions.publish(ClientAuthenticator.caller(), request.getXid(), request.getToken(), request.getKafka(), request.getMessagesList());
            return PublishReply.getDefaultInstance();
        });
    }

    @Override
    public void commit(EndRequest request, StreamObserver<OutcomeReply> reply) {
        end(request, Outcome.COMMITTED, reply);
    }

    @Override
    public void rollback(EndRequest request, StreamObserver<OutcomeReply> reply) {
        end(request, Outcome.ROLLED_BACK, reply);
    }

    private void end(EndRequest request, Outcome wanted, StreamObserver<OutcomeReply> reply) {
        Caller caller = ClientAuthenticator.caller();
        answerLater(request.getXid(), reply, () -> {
            CompletableFuture<OutcomeReply> outcome = transactions.end(caller, request, wanted);
            if (!request.getWaitForPhaseTwo()) {
                return outcome;
            }
            return outcome.thenCompose(decided -> decided.getPhaseTwoDone()
                    ? CompletableFuture.completedFuture(decided)
                    : phaseTwo.awaitDone(decided.getXid(), PHASE_TWO_WAIT)
                            .thenApply(done -> decided.toBuilder().setPhaseTwoDone(done).build()));
        });
    }

    @Override
    public void status(StatusRequest request, StreamObserver<OutcomeReply> reply) {
        Caller caller = ClientAuthenticator.caller();
        answerLater(request.getXid(), reply, () -> transactions.status(caller, request.getXid(), request.getBranchId(),
                request.getAbortIfUndecided()));
    }

    @Override
    public StreamObserver<SessionUp> session(StreamObserver<SessionDown> down) {
        try {
            guard.requireLeader();
        } catch (StatusRuntimeException notLeader) {
            metrics.rejectedRequests.increment();
            down.onError(notLeader);
            return new DiscardingObserver();
        }
        ServerRmSession session = sessions.accept(down, ClientAuthenticator.caller());
        return session;
    }

    private <T> void answer(String xid, StreamObserver<T> reply, Supplier<T> call) {
        answerLater(xid, reply, () -> CompletableFuture.completedFuture(call.get()));
    }

    /** Runs {@code call} with {@code xid} in the log context (the MDC), and answers with its result or error. */
    private <T> void answerLater(String xid, StreamObserver<T> reply, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result;
        try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, xid.isEmpty() ? null : abbreviate(xid))) {
            guard.requireLeader();
            result = call.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, failure) -> {
            if (failure == null) {
                reply.onNext(value);
                reply.onCompleted();
            } else {
                metrics.rejectedRequests.increment();
                if (unwrap(failure) instanceof Rejection refused && refused.kind() == Rejection.Kind.LIMIT) {
                    metrics.limitRefusals.increment();
                }
                try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, xid.isEmpty() ? null : abbreviate(xid))) {
                    reply.onError(toStatus(failure));
                }
            }
        });
    }

    /** A client's XID field as a log line may show it: malformed ones can be long. */
    private static String abbreviate(String xid) {
        return xid.length() <= 80 ? xid : xid.substring(0, 80) + "...";
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        if (cause instanceof ReplicatedLog.NotLeaderException) {
            return guard.notLeader();
        }
        if (cause instanceof Rejection rejection) {
            Status status = switch (rejection.kind()) {
                case INVALID -> Status.INVALID_ARGUMENT;
                case UNKNOWN -> Status.NOT_FOUND;
                case NOT_ACTIVE, CONFLICT -> Status.FAILED_PRECONDITION;
                case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
                case LIMIT -> Status.RESOURCE_EXHAUSTED;
            };
            return status.withDescription(rejection.getMessage()).asRuntimeException(guard.leaderTrailers());
        }
        LOG.error("unexpected failure serving a request", cause);
        return Status.INTERNAL.withDescription("coordinator error: " + cause).asRuntimeException();
    }

    /** Swallows what a refused session stream still sends. */
    private static final class DiscardingObserver implements StreamObserver<SessionUp> {
        @Override
        public void onNext(SessionUp value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
