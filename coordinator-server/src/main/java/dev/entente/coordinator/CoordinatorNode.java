package dev.entente.coordinator;

import dev.entente.coordinator.admin.AdminCredential;
import dev.entente.coordinator.admin.AdminServer;
import dev.entente.coordinator.admin.AdminViews;
import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.admin.MemberChanges;
import dev.entente.coordinator.admin.TransactionResolver;
import dev.entente.coordinator.admin.ViewAccess;
import dev.entente.coordinator.backup.LeaderSnapshots;
import dev.entente.coordinator.health.GrpcHealth;
import dev.entente.coordinator.health.Readiness;
import dev.entente.coordinator.log.ClusterIdentityRecord;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.log.NodeAddressRecord;
import dev.entente.coordinator.phase2.PhaseTwoDriver;
import dev.entente.coordinator.publish.KafkaCluster;
import dev.entente.coordinator.publish.PublishDriver;
import dev.entente.coordinator.publish.PublishInterceptor;
import dev.entente.coordinator.publish.TopicLimits;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.raft.TransactionStateMachine;
import dev.entente.coordinator.rpc.CoordinatorService;
import dev.entente.coordinator.rpc.LeaderGuard;
import dev.entente.coordinator.rpc.MalformedRequests;
import dev.entente.coordinator.rpc.RequestCounts;
import dev.entente.coordinator.session.RmSessions;
import dev.entente.coordinator.txn.ActiveTransactions;
import dev.entente.coordinator.txn.ClusterIdentity;
import dev.entente.coordinator.txn.SessionGrants;
import dev.entente.coordinator.txn.TransactionTable;
import dev.entente.protocol.extension.ExtensionJars;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One coordinator node: its Raft member, the transaction services on the client port, and the admin port. */
public final class CoordinatorNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorNode.class);
    private static final long OUTCOME_RETENTION_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private static final long HEARTBEAT_MILLIS = 1000;
    /** The largest request the client port decodes; a larger one is refused unread (RESOURCE_EXHAUSTED). */
    private static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final int MAX_METADATA_BYTES = 8 << 10;
    private static final long VOTE_WAIT_MILLIS = 2000;
    /** How long a readiness check waits for this node to apply what the leader committed. */
    private static final Duration READY_APPLY_WAIT = Duration.ofSeconds(1);
    private static final Duration HEALTH_CHECK_PERIOD = Duration.ofMillis(500);
    /**
     * How long a leader being stopped waits for its undecided transactions to be decided before it
     * hands leadership on. Begins are refused meanwhile, and a runtime retries a Begin for 10 s: the
     * wait and the handover together stay well inside that.
     */
    private static final Duration DRAIN_PATIENCE = Duration.ofSeconds(5);
    private static final Duration HANDOVER_PATIENCE = Duration.ofSeconds(3);

    private final NodeOptions options;
    private final CoordinatorMetrics metrics = new CoordinatorMetrics();
    private final TransactionTable table = new TransactionTable(OUTCOME_RETENTION_MILLIS);
    private final ReplicatedLog log;
    private final ScheduledThreadPoolExecutor timer;
    private final ScheduledExecutorService phaseTwoThread;
    private final ExecutorService leadershipThread = Executors.newSingleThreadExecutor(daemon("entente-leadership"));
    private final RmSessions sessions;
    private final SessionGrants grants;
    private final ActiveTransactions transactions;
    private final PhaseTwoDriver phaseTwo;
    private final Optional<TopicLimits> topicLimits;
    private final Optional<PublishDriver> publisher;
    private final Server grpc;
    private final AdminServer admin;
    private final AdminCredential credential;
    private final ViewAccess viewAccess;
    private final GrpcHealth health;

    public CoordinatorNode(NodeOptions options) throws IOException {
        this.options = options;
        TransactionStateMachine stateMachine = new TransactionStateMachine(table);
        this.log = new ReplicatedLog(new ReplicatedLog.Settings(options.clusterId(), options.nodeId(), options.peers(),
                options.dataDir(), options.snapshotThreshold(), options.logSegmentSize(), options.electionTimeout(), Duration.ofSeconds(5),
                options.security().tls(), options.restoreFrom()),
                stateMachine);
        this.timer = new ScheduledThreadPoolExecutor(2, daemon("entente-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.phaseTwoThread = Executors.newSingleThreadScheduledExecutor(daemon("entente-phase2"));
        LeaderGuard guard = new LeaderGuard(log, this::clientAddressOf);
        this.grants = new SessionGrants(log::term, log::isLeaderReady);
        this.sessions = new RmSessions(options.nodeId(), table::clusterId,
                new RmSessions.Welcomes(grants, options.defaultTimeoutMillis(), options.maxTimeoutMillis()),
                HEARTBEAT_MILLIS, timer, guard::leaderTrailers);
        Optional<KafkaCluster> kafka = options.kafka();
        this.topicLimits = kafka.map(cluster -> new TopicLimits(cluster, options.limits()));
        this.transactions = new ActiveTransactions(table::clusterId, log, table, grants, timer, metrics,
                new ActiveTransactions.Limits(options.maxTimeoutMillis(), VOTE_WAIT_MILLIS, options.limits()),
                kafka.map(cluster -> new ActiveTransactions.Publishing(cluster, topicLimits.orElseThrow())));
        PublishInterceptor interceptor = PublishInterceptor.all(extensions(PublishInterceptor.class, options));
        this.publisher = kafka.map(cluster -> new PublishDriver(cluster, table::clusterId, metrics, interceptor, this::published));
        this.phaseTwo = new PhaseTwoDriver(table, sessions, log, phaseTwoThread, metrics,
                new PhaseTwoDriver.Settings(Duration.ofSeconds(5), Duration.ofMillis(20)), publisher);
        sessions.setListener(phaseTwo);
        table.setListener(decision -> {
            transactions.decided(decision);
            phaseTwo.decided(decision);
        });
        // Ratis calls these on its own threads, some holding the Raft server's lock or applying the log:
        // the work they start runs on a thread of ours, in the order the changes happened
        stateMachine.setLeadershipListener(new TransactionStateMachine.LeadershipListener() {
            @Override
            public void leaderReady() {
                leadershipThread.execute(() -> {
                    LOG.info("node {} leads the coordinator cluster (term {})", options.nodeId(), log.term());
                    announceAddresses();
                    writeIdentityIfNew();
                    phaseTwo.leadershipGained();
                });
            }

            @Override
            public void leadershipLost() {
                transactions.leadershipLost();
                leadershipThread.execute(() -> {
                    phaseTwo.leadershipLost();
                    sessions.closeAll("coordinator node " + options.nodeId() + " is no longer the leader");
                });
            }
        });
        Readiness readiness = new Readiness(log, options.electionTimeout(), READY_APPLY_WAIT);
        // probes carry no application credentials: the health service stays outside the authenticator
        this.health = new GrpcHealth(readiness, log::isLeaderReady);
        ServerServiceDefinition service = RequestCounts.count(MalformedRequests.guard(
                new CoordinatorService(guard, transactions, phaseTwo, sessions, metrics).bindService()), metrics);
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.clientPort()),
                        options.security().clientPortCredentials())
                .addService(options.security().authenticator()
                        .map(authenticator -> ServerInterceptors.intercept(service, authenticator))
                        .orElse(service))
                .addService(health.service())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxInboundMetadataSize(MAX_METADATA_BYTES)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .handshakeTimeout(10, TimeUnit.SECONDS)
                .build();
        Supplier<String> notLeader = () -> guard.notLeader().getStatus().getDescription();
        TransactionResolver resolver = new TransactionResolver(transactions, log, phaseTwo, guard, metrics);
        AdminViews views = new AdminViews(table::clusterId, log, table, transactions, sessions, phaseTwo,
                resolver, metrics, () -> publisher.map(PublishDriver::backlog).orElse(0L), new AdminViews.Directory() {
                    @Override
                    public Optional<String> clientAddress(String nodeId) {
                        return clientAddressOf(nodeId);
                    }

                    @Override
                    public Optional<String> adminAddress(String nodeId) {
                        return adminAddressOf(nodeId);
                    }
                }, new LeaderSnapshots(log, stateMachine.getStateMachineStorage(), table::clusterId, notLeader),
                new MemberChanges(log, notLeader));
        this.credential = adminCredential(options);
        this.viewAccess = options.adminOpenViews() ? ViewAccess.open() : ViewAccess.tokens(readCredential(options), credential);
        Optional<InetSocketAddress> metricsAddress = options.metricsPort().isPresent()
                ? Optional.of(new InetSocketAddress(options.metricsHost(), options.metricsPort().getAsInt())) : Optional.empty();
        this.admin = new AdminServer(new InetSocketAddress(options.adminHost(), options.adminPort()), metricsAddress,
                options.security().adminPortTls(), views, readiness, credential, viewAccess);
    }

    public void start() throws IOException {
        options.dataDir().mkdirs();
        log.start();
        grpc.start();
        admin.start();
        health.start(HEALTH_CHECK_PERIOD);
    }

    private void announceAddresses() {
        NodeAddressRecord address = NodeAddressRecord.newBuilder().setNodeId(options.nodeId())
                .setClientAddress(options.clientAddress()).setAdminAddress(options.adminAddress()).build();
        log.append(LogRecord.newBuilder().setNodeAddress(address).build())
                .whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.warn("could not record this node's addresses: {}", e.toString());
                    }
                });
    }

    /**
     * The first leader of a new log writes the cluster's unique id (Begin and RM sessions wait for it).
     * A log written before cluster identities existed keeps its name as its id: its decisions' XIDs
     * carry it.
     */
    private void writeIdentityIfNew() {
        if (table.clusterId().isPresent()) {
            return;
        }
        boolean earlierLog = table.remembersDecisions();
        String id = earlierLog ? options.clusterId() : ClusterIdentity.mint(options.clusterId());
        ClusterIdentityRecord identity = ClusterIdentityRecord.newBuilder().setClusterId(id)
                .setCreatedAtMillis(System.currentTimeMillis()).build();
        try {
            log.append(LogRecord.newBuilder().setIdentity(identity).build()).join();
            LOG.info("cluster id {}{}", table.clusterId().orElse(id),
                    earlierLog ? " (the name of a log written by an earlier version, kept as its id)" : " (new cluster)");
        } catch (RuntimeException e) {
            LOG.warn("could not write the cluster's identity: {}; transactions wait for a leader that does", e.toString());
        }
    }

    private void published(String xid) {
        phaseTwo.published(xid);
    }

    /**
     * The admin token: from {@code --admin-token-file}; in {@code --dev} without one, a new token in the
     * data directory (its path is printed, never the token); otherwise none, and admin operations are refused.
     */
    private static AdminCredential adminCredential(NodeOptions options) {
        if (options.adminTokenFile().isPresent()) {
            return AdminCredential.fromFile(options.adminTokenFile().get());
        }
        if (options.dev()) {
            return AdminCredential.generate(options.dataDir().toPath().resolve("admin-token"));
        }
        return AdminCredential.none("it was started without --admin-token-file");
    }

    /**
     * The read token of the admin port's views, as the admin token is found: from {@code --admin-read-token-file};
     * in {@code --dev} without one, a new token in the data directory; otherwise none (the admin token still reads).
     */
    private static AdminCredential readCredential(NodeOptions options) {
        if (options.adminReadTokenFile().isPresent()) {
            return AdminCredential.fromFile(options.adminReadTokenFile().get());
        }
        if (options.dev()) {
            return AdminCredential.generate(options.dataDir().toPath().resolve("admin-read-token"));
        }
        return AdminCredential.none("it was started without --admin-read-token-file, --admin-token-file or --admin-open-views");
    }

    /** The implementations of {@code type} in the jars {@code --extensions} names, each logged. */
    private static <T> List<T> extensions(Class<T> type, NodeOptions options) {
        List<T> found = ExtensionJars.load(type, options.extensions(), "--extensions");
        found.forEach(extension -> LOG.warn("node {}: extension {} ({}) loaded from {}", options.nodeId(),
                extension.getClass().getName(), type.getSimpleName(), options.extensions()));
        return found;
    }

    /** The admin token's file, or why admin operations are refused; for the start-up line. Never the token. */
    public AdminCredential adminCredential() {
        return credential;
    }

    /** Who may read the admin port's views; for the start-up line. Never a token. */
    public ViewAccess viewAccess() {
        return viewAccess;
    }

    private Optional<String> adminAddressOf(String nodeId) {
        if (nodeId.equals(options.nodeId())) {
            return Optional.of(options.adminAddress());
        }
        return table.nodeAddress(nodeId).map(NodeAddressRecord::getAdminAddress)
                .or(() -> raftAddressOf(nodeId).map(NodeOptions::defaultAdminAddress));
    }

    private Optional<String> clientAddressOf(String nodeId) {
        if (nodeId.equals(options.nodeId())) {
            return Optional.of(options.clientAddress());
        }
        return table.nodeAddress(nodeId).map(NodeAddressRecord::getClientAddress)
                .or(() -> raftAddressOf(nodeId).map(NodeOptions::defaultClientAddress));
    }

    /** A node's Raft address: as the group's members name it, else as {@code --peers} does. */
    private Optional<String> raftAddressOf(String nodeId) {
        return Optional.ofNullable(log.members().get(nodeId)).or(() -> Optional.ofNullable(options.peers().get(nodeId)));
    }

    /**
     * Grants no more sessions and tells the sessions it granted to mint no more XIDs (their TMs wait
     * for the next leader's welcome), waits (at most {@link #DRAIN_PATIENCE}) until every undecided
     * transaction is decided, by its application's Commit or Rollback or its deadline, then hands
     * leadership on (in a cluster of several nodes). Transactions still undecided after the wait are
     * presumed aborted, as when a leader dies; those only their owner knew commit at the next leader.
     */
    private void stepDown() {
        String node = "coordinator node " + options.nodeId();
        String why = node + " is shutting down; another node will lead shortly";
        grants.stopGranting(why);
        sessions.withdrawGrants(why);
        LOG.info("{} is shutting down: it grants no more sessions and waits for its {} undecided transactions to be decided",
                node, transactions.size());
        long deadline = System.nanoTime() + DRAIN_PATIENCE.toNanos();
        while (transactions.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (transactions.size() > 0) {
            LOG.warn("{} stops with {} transactions still undecided after {} s: they will be presumed aborted",
                    node, transactions.size(), DRAIN_PATIENCE.toSeconds());
        }
        if (log.members().size() < 2) {
            return; // a single node (--dev) has nobody to hand over to
        }
        log.transferLeadership(HANDOVER_PATIENCE).ifPresentOrElse(
                next -> LOG.info("{} handed leadership to node {}", node, next),
                () -> LOG.warn("{} could not hand leadership to another node within {} s: the others will elect one",
                        node, HANDOVER_PATIENCE.toSeconds()));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Stops the node. A leader first lets its undecided transactions be decided and hands leadership
     * to another node, so that stopping it (SIGTERM, a rolling restart) aborts nothing.
     */
    @Override
    public void close() {
        if (log.isLeaderReady()) {
            stepDown();
        }
        health.close();
        admin.close();
        grpc.shutdown();
        try {
            grpc.awaitTermination(1, TimeUnit.SECONDS); // lets the last replies go out
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        grpc.shutdownNow();
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("closing the Raft server: {}", e.toString());
        }
        publisher.ifPresent(PublishDriver::close);
        topicLimits.ifPresent(TopicLimits::close);
        timer.shutdownNow();
        phaseTwoThread.shutdownNow();
        leadershipThread.shutdownNow();
        metrics.close();
    }
}
