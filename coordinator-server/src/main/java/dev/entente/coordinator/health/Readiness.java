package dev.entente.coordinator.health;

import dev.entente.coordinator.raft.ReplicatedLog;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;

/**
 * Whether this node is live and whether it is ready, as {@code GET /health/live}, {@code GET /health/ready}
 * and the gRPC health service report it.
 *
 * <p>Live: the node's Raft member runs. Ready: a leader is known and in touch, and this node has applied
 * its log up to the leader's commit index. "In touch" is what tells a node cut off from the others: a
 * follower must have heard from its leader, and a leader from a majority of the cluster (itself
 * included), within one election timeout (after which a follower starts an election anyway). The leader's
 * commit index is the one it last sent; the applied index may trail it by entries in flight, so the
 * check waits a moment ({@code applyWait}) for this node to reach it before it answers not ready.
 */
public final class Readiness {

    /** An answer and why, in words an operator reads in a probe's output. */
    public record Verdict(boolean ok, String reason) {
    }

    private final ReplicatedLog log;
    private final Duration contactBound;
    private final Duration applyWait;

    public Readiness(ReplicatedLog log, Duration contactBound, Duration applyWait) {
        this.log = log;
        this.contactBound = contactBound;
        this.applyWait = applyWait;
    }

    public Verdict live() {
        return log.isRunning() ? new Verdict(true, "the Raft member of node " + log.nodeId() + " runs")
                : new Verdict(false, "the Raft member of node " + log.nodeId() + " has stopped");
    }

    public Verdict ready() {
        if (!log.isRunning()) {
            return live();
        }
        Optional<String> outOfTouch = outOfTouch();
        if (outOfTouch.isPresent()) {
            return new Verdict(false, outOfTouch.get());
        }
        OptionalLong leaderCommit = log.leaderCommitIndex();
        if (leaderCommit.isEmpty()) {
            return new Verdict(false, "node " + log.nodeId() + " does not know the commit index of leader " + log.leaderId() + " yet");
        }
        long applied = awaitApplied(leaderCommit.getAsLong());
        if (applied < leaderCommit.getAsLong()) {
            return new Verdict(false, "node " + log.nodeId() + " has applied its log up to index " + applied
                    + "; leader " + log.leaderId() + " has committed up to " + leaderCommit.getAsLong());
        }
        return new Verdict(true, "node " + log.nodeId() + " is " + log.role() + " in term " + log.term() + ", leader "
                + log.leaderId() + ", log applied up to the leader's commit index " + leaderCommit.getAsLong());
    }

    /** Why this node cannot count on a leader now, if it cannot. */
    private Optional<String> outOfTouch() {
        String leader = log.leaderId();
        RaftPeerRole role = log.role();
        String node = "node " + log.nodeId();
        if (leader == null) {
            return Optional.of(node + " knows no leader (it is " + role + " in term " + log.term()
                    + "): an election is under way, or it is cut off from a majority of the cluster");
        }
        if (role == RaftPeerRole.LEADER) {
            if (!log.isLeaderReady()) {
                return Optional.of(node + " was just elected leader and has not committed an entry of its term yet");
            }
            int heard = 1 + log.followersHeardWithin(contactBound);
            int clusterSize = log.members().size();
            int majority = clusterSize / 2 + 1;
            return heard >= majority ? Optional.empty()
                    : Optional.of(node + " leads but heard from only " + heard + " of " + clusterSize
                    + " nodes (itself included) in the last " + contactBound.toMillis() + " ms; a majority is " + majority);
        }
        if (role != RaftPeerRole.FOLLOWER) {
            return Optional.of(node + " is " + role + " in term " + log.term());
        }
        Optional<Duration> since = log.sinceLeaderContact();
        if (since.isEmpty() || since.get().compareTo(contactBound) > 0) {
            return Optional.of(node + " last heard from leader " + leader
                    + since.map(d -> " " + d.toMillis() + " ms ago").orElse(" at an unknown time")
                    + " (more than the election timeout, " + contactBound.toMillis() + " ms)");
        }
        return Optional.empty();
    }

    private long awaitApplied(long index) {
        long deadline = System.nanoTime() + applyWait.toNanos();
        long applied = log.lastAppliedIndex();
        while (applied < index && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            applied = log.lastAppliedIndex();
        }
        return applied;
    }
}
