package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.SessionDown;
import dev.entente.protocol.SessionUp;
import dev.entente.protocol.StatusRequest;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.testkit.CoordinatorProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and unknown requests get clear error replies, and the server keeps serving. */
@Timeout(180)
class BadInputTest {

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    static CoordinatorClient client;

    @BeforeAll
    static void start() {
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
        client = CoordinatorClient.connect(coordinator.clientAddress());
    }

    @AfterAll
    static void stop() {
        client.close();
        coordinator.close();
    }

    private static Status.Code codeOf(Throwable e) {
        return ((CoordinatorException) e).code();
    }

    @Test
    void anUnknownXidIsNamedInANotFoundError() {
        // an XID of a term no leader of this cluster had: no decision can ever name it
        String unknown = Xids.format(coordinator.clusterId(), 0, 1, 999_999, System.currentTimeMillis() - 60_000);
        assertThatThrownBy(() -> client.commit(unknown, false))
                .isInstanceOf(CoordinatorException.class)
                .hasMessageContaining(unknown).hasMessageContaining("does not know it")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(client.status(unknown).getOutcome()).isEqualTo(Outcome.UNKNOWN);
        assertThatThrownBy(() -> TestBranches.register(client, unknown, "db", "rm-1"))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.NOT_FOUND));
    }

    /**
     * Another cluster's XID, even one of a cluster given the same name, is never "unknown" here: an RM
     * asking about it must not take that for presumed abort and roll the other cluster's branch back.
     */
    @Test
    void anotherClustersXidIsRefusedNotPresumedAborted() {
        String ours = coordinator.clusterId();
        assertThat(ours).matches("entente-[a-z0-9]{10}");
        long deadline = System.currentTimeMillis() + 60_000;
        for (String foreign : List.of(Xids.format("entente", 1, 1, 5, deadline), Xids.format("entente-0000000000", 1, 1, 5, deadline))) {
            assertThatThrownBy(() -> client.status(foreign))
                    .hasMessageContaining("belongs to cluster").hasMessageContaining("this is '" + ours + "'")
                    .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
    }

    @Test
    void malformedFieldsAreRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> client.commit("not an xid", false))
                .hasMessageContaining("'not an xid' is not an XID")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> client.status(Xids.format("other-cluster", 1, 1, 1, System.currentTimeMillis())))
                .hasMessageContaining("belongs to cluster 'other-cluster'")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        String xid = TestTransactions.begin(client, "app", 10_000);
        String cluster = Xids.clusterId(xid);
        long term = Xids.term(xid);
        String tooFar = Xids.format(cluster, term, Xids.session(xid), 999, System.currentTimeMillis() + 10L * 24 * 3600 * 1000);
        assertThatThrownBy(() -> client.registerBranch(tooFar, 1, "db", "rm-1")).hasMessageContaining("--max-timeout")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        String ungranted = Xids.format(cluster, term, 999_999, 1, System.currentTimeMillis() + 10_000);
        assertThatThrownBy(() -> client.registerBranch(ungranted, 1, "db", "rm-1")).hasMessageContaining("never granted")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        String pastDeadline = Xids.format(cluster, term, Xids.session(xid), 998, System.currentTimeMillis() - 5_000);
        assertThatThrownBy(() -> client.registerBranch(pastDeadline, 1, "db", "rm-1")).hasMessageContaining("past its deadline")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThatThrownBy(() -> TestBranches.register(client, xid, " ", "rm-1")).hasMessageContaining("resource");
        assertThatThrownBy(() -> client.registerBranch(xid, 0, "db", "rm-1")).hasMessageContaining("branch_id must be positive")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> client.status(xid, -3)).hasMessageContaining("branch_id must be 0")
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> client.reportBranch(xid, 7, BranchVote.PREPARED, ""))
                .hasMessageContaining("has no branch 7");
        assertThatThrownBy(() -> client.reportBranch(xid, 1, BranchVote.BRANCH_VOTE_UNSPECIFIED, ""))
                .hasMessageContaining("vote must be");
        client.rollback(xid, "done", false);
    }

    @Test
    void garbageBytesOnTheClientPortDoNotStopTheServer() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(coordinator.clientAddress().split(":")[1]))) {
                OutputStream out = socket.getOutputStream();
                byte[] garbage = new byte[1 + random.nextInt(4096)];
                random.nextBytes(garbage);
                if (i % 4 == 0) { // a valid HTTP/2 preface followed by nonsense frames
                    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write(garbage);
                out.flush();
            } catch (java.io.IOException expected) {
                // the server may close the connection while we write
            }
        }
        String xid = TestTransactions.begin(client, "app", 10_000);
        assertThat(client.rollback(xid, "", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(coordinator.isAlive()).isTrue();
    }

    /**
     * Slow loris: connections that open and never finish the HTTP/2 preface (half of them send a part
     * of it) are closed by the server's handshake timeout (10 s), and the port keeps serving meanwhile.
     */
    @Test
    void connectionsThatNeverFinishThePrefaceAreClosed() throws Exception {
        int port = Integer.parseInt(coordinator.clientAddress().split(":")[1]);
        List<Socket> lorises = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(40_000);
                if (i % 2 == 0) {
                    socket.getOutputStream().write("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                }
                lorises.add(socket);
            }
            String xid = TestTransactions.begin(client, "app", 10_000);
            assertThat(client.rollback(xid, "", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
            for (Socket socket : lorises) {
                assertThat(closedByTheServer(socket)).as("connection from local port %d closed by the server", socket.getLocalPort())
                        .isTrue();
            }
        } finally {
            for (Socket socket : lorises) {
                socket.close();
            }
        }
    }

    /** Reads (and drops) what the server sends until it closes the connection: true, or false if it keeps it past the socket's timeout. */
    private static boolean closedByTheServer(Socket socket) {
        try {
            byte[] buffer = new byte[256];
            while (socket.getInputStream().read(buffer) >= 0) {
                // the server's own SETTINGS frame, if any
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    @Test
    void anRmSessionThatDoesNotStartWithHelloIsClosedWithAnError() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forTarget(coordinator.clientAddress()).usePlaintext().build();
        try {
            CompletableFuture<Throwable> closed = new CompletableFuture<>();
            StreamObserver<SessionUp> up = CoordinatorGrpc.newStub(channel).session(new StreamObserver<>() {
                @Override
                public void onNext(SessionDown value) {
                }

                @Override
                public void onError(Throwable t) {
                    closed.complete(t);
                }

                @Override
                public void onCompleted() {
                    closed.complete(null);
                }
            });
            up.onNext(SessionUp.newBuilder().setAck(dev.entente.protocol.BranchAck.newBuilder().setXid("x")).build());
            Throwable error = closed.get(10, TimeUnit.SECONDS);
            assertThat(Status.fromThrowable(error).getDescription()).contains("first message").contains("hello");
            assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThatThrownBy(() -> CoordinatorGrpc.newBlockingStub(channel).status(StatusRequest.newBuilder().setXid("").build()))
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        } finally {
            channel.shutdownNow();
        }
        assertThat(coordinator.isAlive()).isTrue();
    }

    @Test
    void adminEndpointsAnswerJsonAndPrometheusText() throws Exception {
        String xid = TestTransactions.begin(client, "shop", 30_000);
        client.registerBranch(xid, 1, "shop-db", "shop-rm"); // the coordinator hears of it at its first call
        assertThat(coordinator.admin("/cluster")).contains("\"nodeId\" : \"dev\"").contains("\"role\" : \"LEADER\"")
                .contains("\"leaderId\" : \"dev\"").contains("\"term\"");
        assertThat(coordinator.admin("/transactions")).contains(xid).contains("\"state\" : \"ACTIVE\"").contains("\"app\" : \"shop\"");
        assertThat(coordinator.admin("/metrics")).contains("# TYPE entente_transactions_begun_total counter")
                .contains("entente_decision_latency_seconds_bucket{le=\"+Inf\"}");
        assertThat(coordinator.metric("entente_raft_is_leader")).isEqualTo(1);
        assertThat(coordinator.adminResponse("GET", "/nope").statusCode()).isEqualTo(404);
        assertThat(coordinator.adminResponse("DELETE", "/transactions").statusCode()).isEqualTo(405);
        client.rollback(xid, "", false);
    }
}
