package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.HandSpokenSession;
import dev.entente.coordinator.testing.LeaderFailOver;
import dev.entente.coordinator.testing.RaftImpostor;
import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.RegisterBranchRequest;
import dev.entente.protocol.SessionHello;
import dev.entente.protocol.client.ClientSecurity;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.protocol.client.XidMint;
import dev.entente.protocol.tls.PemFiles;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.CoordinatorSecurity;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node cluster of real coordinator processes with TLS on the client port, mutual TLS between
 * nodes, and applications authenticated by secret: who may do what to whose transaction.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredClusterTest {

    private static final String ORDERS = "postgresql://127.0.0.1:5432/orders";
    private static final String STOCK = "mariadb://127.0.0.1:3306/stock";

    @TempDir
    static Path work;
    CoordinatorSecurity security;
    CoordinatorCluster cluster;
    CoordinatorClient order;
    CoordinatorClient inventory;
    CoordinatorClient stranger;
    CoordinatorClient auditor;
    FakeRm orderRm;
    FakeRm inventoryRm;
    FakeRm strangerRm;

    @BeforeAll
    void start() {
        security = CoordinatorSecurity.create(work.resolve("tls")).app("order").app("inventory", "order").app("stranger")
                .app("auditor", "order");
        // each node presents a certificate of its own, naming its id
        cluster = new CoordinatorCluster(work, 3, security.perNodeArgs("n1", "n2", "n3").toArray(String[]::new)).start();
        order = client("order");
        inventory = client("inventory");
        stranger = client("stranger");
        auditor = client("auditor"); // may take part in order's transactions, like inventory
        orderRm = new FakeRm(order, "order", "order-1", Set.of(ORDERS)).connect();
        inventoryRm = new FakeRm(inventory, "inventory", "inventory-1", Set.of(STOCK)).connect();
        // serves the same database as inventory, but may not take part in order's transactions
        strangerRm = new FakeRm(stranger, "stranger", "stranger-1", Set.of(STOCK)).connect();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {orderRm, inventoryRm, strangerRm, order, inventory, stranger, auditor,
                cluster}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private ClientSecurity tls() {
        return ClientSecurity.tls("tls-ca", security.authority());
    }

    private CoordinatorClient client(String app) {
        return CoordinatorClient.connect(cluster.addresses(), credentials(app));
    }

    private ClientSecurity credentials(String app) {
        return tls().withSecret(app, "secret-file", security.secretFile(app));
    }

    private CoordinatorClient client(ClientSecurity clientSecurity) {
        return new CoordinatorClient(List.of(cluster.addresses().split(",")), Duration.ofSeconds(3), Duration.ofSeconds(3),
                clientSecurity);
    }

    /** A transaction of order's with a prepared branch on each database. */
    /** The branch id inventory's branch of {@link #preparedTransaction()} has. */
    private static final long STOCK_BRANCH = 2;

    private String preparedTransaction() {
        String xid = TestTransactions.begin(order, "order", 60_000, inventory, stranger, auditor);
        order.registerBranch(xid, 1, ORDERS, orderRm.instanceId());
        order.reportBranch(xid, 1, BranchVote.PREPARED, "");
        inventory.registerBranch(xid, STOCK_BRANCH, STOCK, inventoryRm.instanceId());
        inventory.reportBranch(xid, STOCK_BRANCH, BranchVote.PREPARED, "");
        return xid;
    }

    private void refused(ThrowingCallable call, Status.Code code, String... mentions) {
        assertThatThrownBy(call).isInstanceOf(CoordinatorException.class)
                .satisfies(e -> assertThat(((CoordinatorException) e).code()).isEqualTo(code))
                .hasMessageContainingAll(mentions)
                .satisfies(noSecretIn());
    }

    private Consumer<Throwable> noSecretIn() {
        return e -> {
            for (String app : List.of("order", "inventory", "stranger", "auditor")) {
                assertThat(e.getMessage()).doesNotContain(secretOf(app));
            }
        };
    }

    private String secretOf(String app) {
        try {
            return Files.readString(security.secretFile(app)).trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void withoutCredentialsBeginCommitRollbackAndStatusAreRefused() {
        String xid = TestTransactions.begin(order, "order", 60_000, inventory, stranger, auditor);
        try (CoordinatorClient anonymous = client(tls())) {
            refused(() -> anonymous.registerBranch(xid, 1, "orders-db", "anonymous-rm"), Status.Code.UNAUTHENTICATED,
                    "no application credentials");
            refused(() -> anonymous.commit(xid, false), Status.Code.UNAUTHENTICATED, "Commit");
            refused(() -> anonymous.rollback(xid, "", false), Status.Code.UNAUTHENTICATED, "Rollback");
            refused(() -> anonymous.status(xid), Status.Code.UNAUTHENTICATED, "Status");
        }
        try (CoordinatorClient plainText = client(ClientSecurity.plainText())) {
            assertThatThrownBy(() -> plainText.status(xid)).isInstanceOf(CoordinatorException.class);
        }
        assertThat(order.status(xid).getOutcome()).isEqualTo(Outcome.ACTIVE);
        assertThat(order.rollback(xid, "test over", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }

    @Test
    @Order(2)
    void withAnotherApplicationsCredentialsTheyAreRefused() {
        String xid = preparedTransaction();
        // order's name with stranger's secret
        try (CoordinatorClient impostor = client(tls().withSecret("order", "secret-file", security.secretFile("stranger")))) {
            refused(() -> impostor.status(xid), Status.Code.UNAUTHENTICATED, "application 'order' did not authenticate");
            refused(() -> impostor.commit(xid, false), Status.Code.UNAUTHENTICATED, "Commit");
        }
        // stranger, authenticated as itself, on order's transaction
        refused(() -> stranger.commit(xid, false), Status.Code.PERMISSION_DENIED, "Commit " + xid);
        refused(() -> stranger.rollback(xid, "", false), Status.Code.PERMISSION_DENIED, "Rollback " + xid);
        refused(() -> stranger.status(xid), Status.Code.PERMISSION_DENIED, "Status " + xid);
        refused(() -> TestBranches.register(stranger, xid, STOCK, strangerRm.instanceId()), Status.Code.PERMISSION_DENIED, "RegisterBranch " + xid);
        refused(() -> stranger.reportBranch(xid, 1, BranchVote.FAILED, ""), Status.Code.PERMISSION_DENIED, "ReportBranch " + xid);
        // inventory takes part in order's transactions, but does not end them
        refused(() -> inventory.commit(xid, false), Status.Code.PERMISSION_DENIED, "Commit " + xid);
        refused(() -> inventory.rollback(xid, "", false), Status.Code.PERMISSION_DENIED, "Rollback " + xid);

        assertThat(order.commit(xid, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
        // decided: still only order's to ask about (and inventory's, whose branch it has)
        refused(() -> stranger.status(xid), Status.Code.PERMISSION_DENIED, "Status " + xid);
        refused(() -> stranger.commit(xid, false), Status.Code.PERMISSION_DENIED, "Commit " + xid);
        assertThat(inventory.status(xid).getOutcome()).isEqualTo(Outcome.COMMITTED);
    }

    @Test
    @Order(2)
    @Timeout(60)
    void aSessionEveryNodeRefusesFailsMintingAtOnceNamingEachRefusal() {
        // order's name with stranger's secret: no node will ever welcome this session
        try (CoordinatorClient impostor = client(tls().withSecret("order", "secret-file", security.secretFile("stranger")))) {
            // a wait that only the refusals can end within the test's timeout
            XidMint mint = XidMint.withOwnSession(impostor, "order", "impostor-1", Duration.ofMinutes(5));

            assertThatThrownBy(() -> mint.mint(0)).isInstanceOf(XidMint.NoGrantException.class)
                    .hasMessageStartingWith("no coordinator accepts connections (")
                    .hasMessageContainingAll(cluster.addresses().split(","))
                    .hasMessageContaining(": the coordinator refused this application (Session refused: application 'order' "
                            + "did not authenticate")
                    .satisfies(noSecretIn());
        }
    }

    @Test
    @Order(3)
    void withTheRightCredentialsTransactionsCommitOverTlsAndPhaseTwoGoesOnlyToParticipants() {
        String committed = preparedTransaction();
        assertThat(inventory.status(committed).getOutcome()).isEqualTo(Outcome.ACTIVE);
        assertThat(order.commit(committed, true)).satisfies(reply -> {
            assertThat(reply.getOutcome()).isEqualTo(Outcome.COMMITTED);
            assertThat(reply.getPhaseTwoDone()).isTrue();
        });
        assertThat(inventoryRm.receivedFor(committed)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);
        assertThat(orderRm.receivedFor(committed)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);

        String rolledBack = preparedTransaction();
        assertThat(order.rollback(rolledBack, "changed its mind", true).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(order.status(rolledBack).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(inventoryRm.receivedFor(rolledBack)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.ROLLBACK);
        assertThat(strangerRm.received()).isEmpty();
    }

    /**
     * Issue 16 item 4: a vote counts only from the application that registered the branch, whether it
     * comes by ReportBranch from another participant or carried by the owner's Commit.
     */
    @Test
    @Order(4)
    void aVoteCountsOnlyFromTheApplicationThatRegisteredTheBranch() {
        String xid = TestTransactions.begin(order, "order", 60_000, inventory, stranger, auditor);
        order.reportBranch(xid, TestBranches.register(order, xid, ORDERS, orderRm.instanceId()), BranchVote.PREPARED, "");
        long stock = TestBranches.register(inventory, xid, STOCK, inventoryRm.instanceId());

        refused(() -> auditor.reportBranch(xid, stock, BranchVote.PREPARED, ""), Status.Code.PERMISSION_DENIED,
                "branch " + stock + " of " + xid, "application 'inventory' registered it");
        BranchReport carried = BranchReport.newBuilder().setXid(xid).setBranchId(stock).setVote(BranchVote.PREPARED).build();
        refused(() -> order.commit(xid, true, List.of(carried)), Status.Code.PERMISSION_DENIED, "application 'inventory' registered it");
        OutcomeReply outcome = order.commit(xid, true);

        assertThat(outcome.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(outcome.getReason()).isEqualTo("branch " + stock + " on " + STOCK + " never prepared");

        // nor can another participant's FAILED veto a branch that is not its own
        String vetoed = TestTransactions.begin(order, "order", 60_000, inventory, stranger, auditor);
        long stockOfVetoed = TestBranches.register(inventory, vetoed, STOCK, inventoryRm.instanceId());
        refused(() -> auditor.reportBranch(vetoed, stockOfVetoed, BranchVote.FAILED, "not mine"), Status.Code.PERMISSION_DENIED,
                "application 'inventory' registered it");
        inventory.reportBranch(vetoed, stockOfVetoed, BranchVote.PREPARED, "");
        assertThat(order.commit(vetoed, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(inventoryRm.receivedFor(vetoed)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);
    }

    /**
     * Issue 16 item 4: an application that says hello with another application's instance id takes
     * neither that instance's session nor its phase-2 commands. Several transactions, because before
     * the fix the two sessions replaced each other in turn and each got some of the commands.
     */
    @Test
    @Order(5)
    void anApplicationClaimingAnotherApplicationsInstanceIdGetsNoneOfItsCommands() {
        try (FakeRm impostor = new FakeRm(auditor, "auditor", inventoryRm.instanceId(), Set.of(STOCK)).connect()) {
            for (int i = 0; i < 6; i++) {
                String xid = preparedTransaction();
                assertThat(order.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
                await().atMost(Duration.ofSeconds(30)).until(() -> order.status(xid).getPhaseTwoDone());
                assertThat(inventoryRm.receivedFor(xid)).as("the real instance's commands")
                        .extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);
            }
            assertThat(impostor.received()).isEmpty();
            assertThat(inventoryRm.session().isConnected()).isTrue();
        }
    }

    /**
     * Issue 16 item 4: while the instance that registered a branch is away, its phase-2 command waits for
     * an instance of the same application; another application's session that serves the same resource
     * and takes part in the owner's transactions does not get it (it could acknowledge it unfinished).
     */
    @Test
    @Order(6)
    void whileTheRegisteringInstanceIsAwayAnotherApplicationGetsNoneOfItsCommands() {
        String xid = preparedTransaction();
        inventoryRm.disconnect();
        try (FakeRm other = new FakeRm(auditor, "auditor", "auditor-1", Set.of(STOCK)).connect()) {
            assertThat(order.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
            CoordinatorProcess leader = cluster.awaitLeader();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(other.received()).as("commands sent to auditor's session").isEmpty();
                assertThat(leader.admin("/transactions/" + xid)).contains("waiting for an RM session serving " + STOCK);
            });
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> !order.status(xid).getPhaseTwoDone());
            assertThat(other.received()).isEmpty();

            inventoryRm.connect(); // the application's instance is back: its session gets the command
            await().atMost(Duration.ofSeconds(30)).until(() -> order.status(xid).getPhaseTwoDone());
            assertThat(inventoryRm.receivedFor(xid)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);
            assertThat(other.received()).isEmpty();
        } finally {
            if (inventoryRm.session() == null) {
                inventoryRm.connect();
            }
        }
    }

    /**
     * Issue 16 item 4: an acknowledgement counts only from a session the command was sent to. The real
     * RM fails its commit (so it stays unacknowledged and retried); another participant's session,
     * serving the same database, says the branch is done: the branch stays unacknowledged until the
     * real RM finishes it.
     */
    @Test
    @Order(7)
    void anAcknowledgementFromASessionThatWasNotSentTheCommandIsIgnored() throws Exception {
        String xid = preparedTransaction();
        inventoryRm.acknowledge(false);
        try {
            assertThat(order.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
            await().atMost(Duration.ofSeconds(30)).until(() -> !inventoryRm.receivedFor(xid).isEmpty());
            CoordinatorProcess leader = cluster.awaitLeader();
            SessionHello hello = SessionHello.newBuilder().setApp("auditor").setInstanceId("auditor-1").addResources(STOCK).build();
            try (HandSpokenSession rogue = new HandSpokenSession(leader.clientAddress(), credentials("auditor"), hello)) {
                rogue.awaitWelcome();
                rogue.acknowledge(xid, STOCK_BRANCH);

                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> !order.status(xid).getPhaseTwoDone());
                String view = leader.admin("/transactions/" + xid);
                assertThat(view.substring(view.indexOf("\"id\" : " + STOCK_BRANCH))).as(view).contains("not acknowledged yet")
                        .doesNotContain("commit acknowledged");
                assertThat(rogue.commands()).isEmpty();
                assertThat(leader.logTail(100_000)).contains("ack for " + xid + " branch " + STOCK_BRANCH + " from RM session auditor-1 of auditor, "
                        + "which was not sent its command; ignored");
            }
        } finally {
            inventoryRm.acknowledge(true);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> order.status(xid).getPhaseTwoDone());
    }

    /**
     * Issue 16 item 7: a RegisterBranch sent twice (as a client does when the first reply was lost)
     * registers one branch, and the transaction commits; before, the second branch never prepared and
     * rolled the transaction back. The branch id is the RM's own, so the retry repeats it.
     */
    @Test
    @Order(8)
    void aRegisterBranchRetriedRegistersOneBranchAndTheTransactionCommits() {
        String xid = TestTransactions.begin(order, "order", 60_000, inventory, stranger, auditor);
        order.reportBranch(xid, TestBranches.register(order, xid, ORDERS, orderRm.instanceId()), BranchVote.PREPARED, "");
        RegisterBranchRequest request = registration(xid, 77);
        asInventory(stub -> stub.registerBranch(request));
        asInventory(stub -> stub.registerBranch(request)); // as after a lost reply
        inventory.reportBranch(xid, 77, BranchVote.PREPARED, "");

        OutcomeReply outcome = order.commit(xid, true);

        assertThat(outcome.getOutcome()).as(outcome.getReason()).isEqualTo(Outcome.COMMITTED);
        assertThat(inventoryRm.receivedFor(xid)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);

        // a branch id names one branch: registered again on another resource, it is refused
        String other = TestTransactions.begin(order, "order", 60_000, inventory, stranger, auditor);
        RegisterBranchRequest registered = registration(other, 78);
        asInventory(stub -> stub.registerBranch(registered));
        RegisterBranchRequest altered = registered.toBuilder().setResource(ORDERS).build();
        assertThatThrownBy(() -> asInventory(stub -> stub.registerBranch(altered))).satisfies(e -> {
            assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(Status.fromThrowable(e).getDescription()).contains("branch 78 is already registered on " + STOCK);
        });
        order.rollback(other, "test over", false);
    }

    /** A registration of branch {@code branchId} on STOCK by inventory's instance. */
    private RegisterBranchRequest registration(String xid, long branchId) {
        return RegisterBranchRequest.newBuilder().setXid(xid).setResource(STOCK).setInstanceId(inventoryRm.instanceId())
                .setBranchId(branchId).setToken(inventory.tokens().get(xid)).build();
    }

    /** A call as inventory on a raw stub: the request goes as given, once, as a client's retry would resend it. */
    private <T> T asInventory(Function<CoordinatorGrpc.CoordinatorBlockingStub, T> call) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.awaitLeader().clientAddress(),
                credentials("inventory").channelCredentials()).build();
        try {
            return call.apply(CoordinatorGrpc.newBlockingStub(channel));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    @Order(9)
    void theRaftPortSpeaksTlsWithTheNodesCertificate() throws Exception {
        Matcher raft = Pattern.compile("\"raftAddress\" : \"127\\.0\\.0\\.1:(\\d+)\"").matcher(cluster.nodes().get(0).admin("/cluster"));
        assertThat(raft.find()).isTrue();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {PemFiles.trustManager("tls-ca", security.authority())}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(raft.group(1)))) {
            socket.startHandshake();
            X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=" + cluster.nodes().get(0).name());
        }
    }

    @Test
    @Order(10)
    void aFailOverWorksUnderTls() {
        LeaderFailOver.Result failOver = LeaderFailOver.commitThenKillTheLeader(cluster, order, orderRm, this::preparedTransaction);
        String xid = failOver.xid();
        CoordinatorProcess oldLeader = failOver.killed();
        refused(() -> stranger.status(xid), Status.Code.PERMISSION_DENIED, "Status " + xid);
        String after = preparedTransaction();
        assertThat(order.commit(after, true).getOutcome()).isEqualTo(Outcome.COMMITTED);

        oldLeader.start(); // rejoins over mutual TLS and catches up
        await().atMost(Duration.ofSeconds(60)).ignoreException(IllegalStateException.class)
                .until(() -> oldLeader.admin("/cluster").contains("\"role\" : \"FOLLOWER\""));
    }

    @Test
    @Order(11)
    void anApplicationAddedToTheSecretsFileIsAcceptedWithoutARestart() {
        security.app("latecomer");
        try (CoordinatorClient latecomer = client("latecomer")) {
            String xid = await().atMost(Duration.ofSeconds(30)).ignoreException(CoordinatorException.class)
                    .until(() -> TestTransactions.begin(latecomer, "latecomer", 60_000), x -> true);
            assertThat(latecomer.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
            refused(() -> order.status(xid), Status.Code.PERMISSION_DENIED, "Status " + xid);
        }
    }

    /**
     * Issue 18 item 1: a Raft peer must present a certificate naming its node id. A real Ratis server takes a
     * stopped follower's Raft address and node id, and presents another certificate of the same CA: first
     * one naming nobody of the cluster, then one naming another node (n1's name at n3's address). The leader
     * sends it nothing, the others take none of its requests (a certificate naming another node does not let
 * it speak as the node it poses as), and it never learns the log or the leader.
     */
    @Test
    @Order(13)
    void aPeerWhoseCertificateDoesNotNameItsNodeIdIsRefused() throws Exception {
        CoordinatorProcess leader = cluster.awaitEveryNodeFollowsTheLeader();
        CoordinatorProcess victim = cluster.followers(leader).get(1);
        String posedAs = victim.name();
        String otherNode = cluster.followers(leader).get(0).name();
        security.issue("intruder", "intruder").issue("misplaced", otherNode);
        victim.stop();
        try {
            for (String certificate : List.of("intruder", "misplaced")) {
                Path data = Files.createDirectories(work.resolve("impostor-" + certificate));
                try (RaftImpostor impostor = RaftImpostor.start("entente", posedAs, cluster.raftAddresses(),
                        security.certificate(certificate), security.key(certificate), security.authority(), data)) {
                    await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                        assertThat(impostor.leaderId()).as("the leader the impostor was told of").isNull();
                        assertThat(impostor.entriesReceived()).as("log entries the impostor got").isZero();
                    });
                    String presented = "CN=" + (certificate.equals("intruder") ? "intruder" : otherNode);
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(leader.logTail(100_000))
                            .contains("Raft port: refused node " + posedAs + " at " + cluster.raftAddresses().get(posedAs)
                                    + " presented " + presented + " (names [")
                            .contains("which does not name " + posedAs));
                    // its own requests (votes) to the nodes are refused as well: a certificate naming nobody at the
                    // handshake, one naming another node when it asks in the name of the node it poses as
                    String refusedRequest = certificate.equals("intruder")
                            ? "Raft port: refused a node connecting to this one presented CN=intruder"
                            : "Raft port: refused a request of node " + posedAs + " over a connection whose certificate "
                                    + "names [" + otherNode + ", localhost], not " + posedAs;
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(leader.logTail(100_000))
                            .contains(refusedRequest));
                }
            }
            assertThat(cluster.awaitLeader()).isSameAs(leader);
            String xid = preparedTransaction();
            assertThat(order.commit(xid, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
        } finally {
            victim.start();
        }
        await().atMost(Duration.ofSeconds(60)).ignoreException(IllegalStateException.class)
                .until(() -> victim.admin("/cluster").contains("\"role\" : \"FOLLOWER\""));
    }

    @Test
    @Order(12)
    void noSecretAppearsInAnyNodesLogOrAdminViews() {
        assertThat(cluster.nodes()).anySatisfy(node -> assertThat(node.logTail(100_000)).contains("refused: unknown application or wrong secret"));
        for (CoordinatorProcess node : cluster.nodes()) {
            String seen = node.logTail(100_000) + node.admin("/metrics") + node.admin("/transactions") + node.admin("/cluster");
            for (String app : List.of("order", "inventory", "stranger", "auditor", "latecomer")) {
                assertThat(seen).doesNotContain(secretOf(app));
            }
        }
    }
}
