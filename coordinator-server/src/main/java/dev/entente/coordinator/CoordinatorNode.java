package dev.entente.coordinator;

import dev.entente.coordinator.admin.AdminServer;
import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.log.NodeAddressRecord;
import dev.entente.coordinator.phase2.PhaseTwoDriver;
import dev.entente.coordinator.publish.KafkaCluster;
import dev.entente.coordinator.publish.PublishDriver;
import dev.entente.coordinator.publish.TopicLimits;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.raft.TransactionStateMachine;
import dev.entente.coordinator.rpc.CoordinatorService;
import dev.entente.coordinator.rpc.LeaderGuard;
import dev.entente.coordinator.session.RmSessions;
import dev.entente.coordinator.txn.ActiveTransactions;
import dev.entente.coordinator.txn.TransactionTable;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One coordinator node: its Raft member, the transaction services on the client port, and the admin port. */
public final class CoordinatorNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorNode.class);
    private static final long OUTCOME_RETENTION_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private static final long HEARTBEAT_MILLIS = 1000;
    private static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final long VOTE_WAIT_MILLIS = 2000;

    private final NodeOptions options;
    private final CoordinatorMetrics metrics = new CoordinatorMetrics();
    private final TransactionTable table = new TransactionTable(OUTCOME_RETENTION_MILLIS);
    private final ReplicatedLog log;
    private final ScheduledThreadPoolExecutor timer;
    private final ScheduledExecutorService phaseTwoThread;
    private final ExecutorService leadershipThread = Executors.newSingleThreadExecutor(daemon("entente-leadership"));
    private final RmSessions sessions;
    private final ActiveTransactions transactions;
    private final PhaseTwoDriver phaseTwo;
    private final Optional<TopicLimits> topicLimits;
    private final Optional<PublishDriver> publisher;
    private final Server grpc;
    private final AdminServer admin;

    public CoordinatorNode(NodeOptions options) throws IOException {
        this.options = options;
        TransactionStateMachine stateMachine = new TransactionStateMachine(table);
        this.log = new ReplicatedLog(new ReplicatedLog.Settings(options.clusterId(), options.nodeId(), options.peers(),
                options.dataDir(), options.snapshotThreshold(), options.electionTimeout(), Duration.ofSeconds(5)),
                stateMachine);
        this.timer = new ScheduledThreadPoolExecutor(2, daemon("entente-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.phaseTwoThread = Executors.newSingleThreadScheduledExecutor(daemon("entente-phase2"));
        LeaderGuard guard = new LeaderGuard(log, this::clientAddressOf);
        this.sessions = new RmSessions(options.nodeId(), HEARTBEAT_MILLIS, timer, guard::leaderTrailers);
        Optional<KafkaCluster> kafka = options.kafka().map(KafkaCluster::new);
        this.topicLimits = kafka.map(TopicLimits::new);
        this.transactions = new ActiveTransactions(options.clusterId(), log, timer, metrics,
                new ActiveTransactions.Limits(options.defaultTimeoutMillis(), options.maxTimeoutMillis(), VOTE_WAIT_MILLIS),
                kafka.map(cluster -> new ActiveTransactions.Publishing(cluster, topicLimits.orElseThrow())));
        this.publisher = kafka.map(cluster -> new PublishDriver(cluster, options.clusterId(), metrics, this::published));
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
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.clientPort()))
                .addService(new CoordinatorService(guard, transactions, phaseTwo, sessions, metrics))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .handshakeTimeout(10, TimeUnit.SECONDS)
                .build();
        this.admin = new AdminServer(options.host(), options.adminPort(), new AdminViews());
    }

    public void start() throws IOException {
        options.dataDir().mkdirs();
        log.start();
        grpc.start();
        admin.start();
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

    private void published(String xid) {
        phaseTwo.published(xid);
    }

    private Optional<String> clientAddressOf(String nodeId) {
        if (nodeId.equals(options.nodeId())) {
            return Optional.of(options.clientAddress());
        }
        return table.nodeAddress(nodeId).map(NodeAddressRecord::getClientAddress)
                .or(() -> Optional.ofNullable(options.peers().get(nodeId)).map(NodeOptions::defaultClientAddress));
    }

    /** What the admin endpoints show. */
    private final class AdminViews implements AdminServer.Views {
        @Override
        public Map<String, Object> cluster() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("clusterId", options.clusterId());
            view.put("nodeId", options.nodeId());
            view.put("role", log.role().name());
            view.put("leaderId", log.leaderId());
            view.put("term", log.term());
            view.put("serving", log.isLeaderReady());
            view.put("commitIndex", log.commitIndex());
            view.put("appliedIndex", log.lastAppliedIndex());
            List<Map<String, String>> peers = new ArrayList<>();
            options.peers().forEach((id, raft) -> peers.add(Map.of("id", id, "raftAddress", raft,
                    "clientAddress", clientAddressOf(id).orElse(""))));
            view.put("peers", peers);
            return view;
        }

        @Override
        public Object transactions() {
            List<Map<String, Object>> list = new ArrayList<>();
            for (ActiveTransactions.View tx : transactions.views()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("xid", tx.xid());
                row.put("state", "ACTIVE");
                row.put("name", tx.name());
                row.put("app", tx.app());
                row.put("begunAtMillis", tx.begunAtMillis());
                row.put("timeoutMillis", tx.timeoutMillis());
                row.put("branches", tx.branches());
                row.put("messages", tx.messages());
                list.add(row);
            }
            for (DecisionRecord decision : table.pendingDecisions()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("xid", decision.getXid());
                row.put("state", decision.getOutcome().name());
                row.put("phaseTwoDone", false);
                row.put("name", decision.getName());
                row.put("app", decision.getApp());
                row.put("begunAtMillis", decision.getBegunAtMillis());
                row.put("decidedAtMillis", decision.getDecidedAtMillis());
                row.put("reason", decision.getReason());
                row.put("branches", decision.getBranchesList().stream()
                        .map(b -> b.getBranchId() + ":" + b.getResource() + ":" + b.getInstanceId()).toList());
                row.put("messages", decision.getMessagesCount());
                list.add(row);
            }
            return list;
        }

        @Override
        public String metrics() {
            return metrics.render(new CoordinatorMetrics.Gauges(transactions::size, () -> table.pendingDecisions().size(),
                    sessions::size, () -> log.isLeaderReady() ? 1 : 0, log::term, log::commitIndex, log::lastAppliedIndex,
                    () -> publisher.map(PublishDriver::backlog).orElse(0L), log::logFlushes));
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        admin.close();
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
    }
}
