package dev.entente.coordinator.raft;

import dev.entente.coordinator.backup.SnapshotBackup;
import dev.entente.coordinator.log.ApplyReply;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.log.StatusQuery;
import dev.entente.coordinator.log.TableSnapshot;
import dev.entente.coordinator.txn.TransactionTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of the coordinator: applies decision, completion, node-address and publish-refusal
 * records to the {@link TransactionTable}, answers linearizable status reads, and snapshots the table.
 */
public final class TransactionStateMachine extends BaseStateMachine {

    /** Told when this node gains or loses the ability to serve as leader. */
    public interface LeadershipListener {
        void leaderReady();

        void leadershipLost();
    }

    private static final Logger SNAPSHOTS = LoggerFactory.getLogger(TransactionStateMachine.class);

    private final TransactionTable table;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private volatile LeadershipListener leadership = new LeadershipListener() {
        @Override
        public void leaderReady() {
        }

        @Override
        public void leadershipLost() {
        }
    };
    private volatile Consumer<RoleInfoProto> noLeader = role -> { };
    private volatile SnapshotBackup restore;

    public TransactionStateMachine(TransactionTable table) {
        this.table = table;
    }

    public void setLeadershipListener(LeadershipListener leadership) {
        this.leadership = leadership;
    }

    /** Told, at each election this node starts, once it has known no leader for longer than Ratis' no-leader timeout. */
    void setNoLeaderListener(Consumer<RoleInfoProto> noLeader) {
        this.noLeader = noLeader;
    }

    /** Starts this node from {@code backup} rather than from nothing: its storage is new (see {@link ReplicatedLog}). */
    void restoreFrom(SnapshotBackup backup) {
        this.restore = backup;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            if (restore != null) {
                restore.installInto(raftStorage);
            }
            loadLatestSnapshot();
        }, IOException.class);
    }

    /** Ratis pauses the state machine before it installs a snapshot the leader sent, then calls {@link #reinitialize()}. */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        if (snapshot.getFile().getFileDigest() != null) {
            MD5FileUtil.verifySavedMD5(file.toFile(), snapshot.getFile().getFileDigest());
        }
        try (InputStream in = Files.newInputStream(file)) {
            table.restore(TableSnapshot.parseFrom(in));
        }
        updateLastAppliedTermIndex(snapshot.getTermIndex());
        // at start-up, and when the leader sent this node its snapshot (a new node, or one far behind)
        SNAPSHOTS.info("the transaction table was loaded from the snapshot at log index {} (term {})",
                snapshot.getIndex(), snapshot.getTerm());
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public long takeSnapshot() throws IOException {
        TableSnapshot snapshot;
        TermIndex applied;
        synchronized (table) {
            snapshot = table.snapshot();
            applied = getLastAppliedTermIndex();
        }
        if (applied == null || applied.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        java.io.File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        try (OutputStream out = Files.newOutputStream(file.toPath())) {
            snapshot.writeTo(out);
        }
        FileInfo info = new FileInfo(file.toPath(), MD5FileUtil.computeAndSaveMd5ForFile(file));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, applied));
        return applied.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        LogRecord record;
        try {
            record = LogRecord.parseFrom(entry.getStateMachineLogEntry().getLogData().toByteArray());
        } catch (IOException e) {
            // a record this version cannot read; skip it rather than stop the group
            LOG.error("unreadable log record at {}: {}", TermIndex.valueOf(entry), e.toString());
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
        ApplyReply reply = ApplyReply.getDefaultInstance();
        synchronized (table) {
            switch (record.getKindCase()) {
                case DECISION -> reply = table.applyDecision(record.getDecision(), entry.getTerm());
                case COMPLETION -> table.applyCompletion(record.getCompletion());
                case NODE_ADDRESS -> table.applyNodeAddress(record.getNodeAddress());
                case IDENTITY -> table.applyIdentity(record.getIdentity());
                case PUBLISH_REFUSAL -> table.applyRefusal(record.getPublishRefusal());
                case REFUSED_DROPPED -> reply = table.applyDrop(record.getRefusedDropped());
                default -> LOG.warn("empty log record at {}", TermIndex.valueOf(entry));
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.toByteArray())));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            StatusQuery query = StatusQuery.parseFrom(request.getContent().toByteArray());
            byte[] answer = table.status(query.getXid(), query.getBranchId()).toByteArray();
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(answer)));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void notifyLeaderReady() {
        leadership.leaderReady();
    }

    @Override
    public void notifyNotLeader(java.util.Collection<TransactionContext> pendingEntries) {
        leadership.leadershipLost();
    }

    @Override
    public void notifyExtendedNoLeader(RoleInfoProto role) {
        noLeader.accept(role);
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeaderId) {
        if (!member.getPeerId().equals(newLeaderId)) {
            leadership.leadershipLost();
        }
    }
}
