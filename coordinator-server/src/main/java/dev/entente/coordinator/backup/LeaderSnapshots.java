package dev.entente.coordinator.backup;

import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.txn.Rejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * {@code POST /cluster/snapshot}: the leader snapshots its transaction table up to all it has applied (every
 * decision it has answered) and hands out the snapshot file, for {@code entente cluster snapshot} to copy.
 * Only the leader takes one: it has applied the most.
 */
public final class LeaderSnapshots {

    /** A snapshot just taken: its content, as in the node's state machine folder, its MD5 (hex), the cluster it is of. */
    public record Taken(String clusterId, String nodeId, long term, long index, byte[] content, String md5) {
        /** The headers that describe it in an answer. */
        public Map<String, String> headers() {
            return Map.of(CLUSTER_ID_HEADER, clusterId, NODE_ID_HEADER, nodeId, TERM_HEADER, Long.toString(term),
                    INDEX_HEADER, Long.toString(index), MD5_HEADER, md5);
        }
    }

    /** The headers of {@code POST /cluster/snapshot}'s answer that describe the snapshot in its body. */
    public static final String CLUSTER_ID_HEADER = "Entente-Cluster-Id";
    public static final String NODE_ID_HEADER = "Entente-Node-Id";
    public static final String TERM_HEADER = "Entente-Snapshot-Term";
    public static final String INDEX_HEADER = "Entente-Snapshot-Index";
    public static final String MD5_HEADER = "Entente-Snapshot-Md5";

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ReplicatedLog log;
    private final SimpleStateMachineStorage storage;
    private final Supplier<Optional<String>> clusterId;
    private final Supplier<String> notLeader;

    /** {@code notLeader} says why this node cannot take the snapshot when it does not lead. */
    public LeaderSnapshots(ReplicatedLog log, SimpleStateMachineStorage storage, Supplier<Optional<String>> clusterId,
                           Supplier<String> notLeader) {
        this.log = log;
        this.storage = storage;
        this.clusterId = clusterId;
        this.notLeader = notLeader;
    }

    public Taken take() {
        if (!log.isLeaderReady()) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, "snapshot: " + notLeader.get());
        }
        String cluster = clusterId.get().orElseThrow(() -> new Rejection(Rejection.Kind.UNAVAILABLE,
                "snapshot: the cluster has no id yet (its first leader is writing it); retry"));
        try {
            long index = log.takeSnapshot(PATIENCE);
            SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
            if (latest == null || latest.getIndex() < index) {
                throw new IllegalStateException("node " + log.nodeId() + " took a snapshot at log index " + index
                        + " but its latest snapshot is " + (latest == null ? "none" : "at " + latest.getIndex()));
            }
            // read now: a later snapshot may replace this file (Ratis keeps the latest two)
            Path file = latest.getFile().getPath();
            byte[] content = Files.readAllBytes(file);
            MD5Hash md5 = MD5Hash.digest(content);
            if (latest.getFile().getFileDigest() != null && !latest.getFile().getFileDigest().equals(md5)) {
                throw new IOException(file + " does not match its MD5 " + latest.getFile().getFileDigest());
            }
            return new Taken(cluster, log.nodeId(), latest.getTerm(), latest.getIndex(), content, md5.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot on node " + log.nodeId() + ": " + e.getMessage(), e);
        }
    }
}
