package dev.entente.coordinator.admin;

import dev.entente.coordinator.backup.LeaderSnapshots;
import dev.entente.coordinator.txn.Caller;
import dev.entente.coordinator.log.BranchRef;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.phase2.PhaseTwoDriver;
import dev.entente.coordinator.phase2.PhaseTwoDriver.BranchProgressView;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.session.RmSessions;
import dev.entente.coordinator.txn.ActiveTransactions;
import dev.entente.coordinator.txn.TransactionTable;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the admin port shows, built from the node's parts at request time. "In doubt" means decided (the
 * outcome is in the Raft log) with phase 2 not finished; each of its branches says how phase 2 stands.
 */
public final class AdminViews implements AdminServer.Views {

    /** Where a node is reached: its client and admin addresses by node id. */
    public interface Directory {
        Optional<String> clientAddress(String nodeId);

        Optional<String> adminAddress(String nodeId);
    }

    private final Supplier<Optional<String>> clusterId;
    private final ReplicatedLog log;
    private final TransactionTable table;
    private final ActiveTransactions transactions;
    private final RmSessions sessions;
    private final PhaseTwoDriver phaseTwo;
    private final TransactionResolver resolver;
    private final CoordinatorMetrics metrics;
    private final Directory directory;
    private final LeaderSnapshots snapshots;
    private final MemberChanges memberChanges;

    public AdminViews(Supplier<Optional<String>> clusterId, ReplicatedLog log, TransactionTable table,
                      ActiveTransactions transactions, RmSessions sessions, PhaseTwoDriver phaseTwo,
                      TransactionResolver resolver, CoordinatorMetrics metrics, LongSupplier publishBacklog,
                      Directory directory, LeaderSnapshots snapshots, MemberChanges memberChanges) {
        this.clusterId = clusterId;
        this.log = log;
        this.table = table;
        this.transactions = transactions;
        this.sessions = sessions;
        this.phaseTwo = phaseTwo;
        this.resolver = resolver;
        this.metrics = metrics;
        this.directory = directory;
        this.snapshots = snapshots;
        this.memberChanges = memberChanges;
        metrics.bind(new CoordinatorMetrics.Gauges(transactions::size, () -> table.pendingDecisions().size(),
                sessions::size, () -> log.isLeaderReady() ? 1 : 0, () -> log.role().name(), log::term, log::commitIndex,
                log::lastAppliedIndex, publishBacklog, log::logFlushes, transactions::heldBytes,
                transactions::cachedTopics));
    }

    @Override
    public Map<String, Object> cluster() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clusterId", clusterId.get().orElse(""));
        view.put("nodeId", log.nodeId());
        view.put("role", log.role().name());
        view.put("leaderId", log.leaderId());
        view.put("term", log.term());
        view.put("serving", log.isLeaderReady() && clusterId.get().isPresent());
        view.put("commitIndex", log.commitIndex());
        view.put("appliedIndex", log.lastAppliedIndex());
        view.put("peers", members(log.members()));
        view.put("rmSessions", sessions.all().stream().map(s -> Map.of("app", s.app(), "instanceId", s.instanceId(),
                "resources", List.copyOf(s.resources()))).toList());
        return view;
    }

    @Override
    public Optional<String> leaderAdminAddress() {
        return Optional.ofNullable(log.leaderId()).flatMap(directory::adminAddress);
    }

    @Override
    public CompletableFuture<List<Map<String, Object>>> transactions() {
        return phaseTwo.progress().thenApply(progress -> {
            List<Map<String, Object>> list = new ArrayList<>();
            transactions.views().forEach(tx -> list.add(active(tx)));
            table.pendingDecisions().forEach(decision -> list.add(inDoubt(decision, progress)));
            return list;
        });
    }

    @Override
    public CompletableFuture<Optional<Map<String, Object>>> transaction(String xid) {
        Optional<ActiveTransactions.View> undecided = transactions.view(xid);
        if (undecided.isPresent()) {
            return CompletableFuture.completedFuture(Optional.of(active(undecided.get())));
        }
        Optional<DecisionRecord> pending = table.pendingDecision(xid);
        if (pending.isPresent()) {
            return phaseTwo.progress().thenApply(progress -> Optional.of(inDoubt(pending.get(), progress)));
        }
        return transactions.status(Caller.ANYONE, xid).thenApply(status -> status.getOutcome() == Outcome.UNKNOWN
                ? Optional.empty() : Optional.of(finished(status)));
    }

    @Override
    public CompletableFuture<Map<String, Object>> resolve(String xid, Outcome outcome) {
        return resolver.resolve(xid, outcome).thenApply(AdminViews::finished);
    }

    /** Each member with its Raft, client and admin address. */
    private List<Map<String, String>> members(Map<String, String> raftAddresses) {
        List<Map<String, String>> members = new ArrayList<>();
        raftAddresses.forEach((id, raft) -> members.add(Map.of("id", id, "raftAddress", raft,
                "clientAddress", directory.clientAddress(id).orElse(""),
                "adminAddress", directory.adminAddress(id).orElse(""))));
        return members;
    }

    @Override
    public Map<String, Object> addMember(String entry) {
        return membersView(memberChanges.add(entry));
    }

    @Override
    public Map<String, Object> removeMember(String id) {
        return membersView(memberChanges.remove(id));
    }

    private Map<String, Object> membersView(Map<String, String> members) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("leaderId", log.leaderId());
        view.put("term", log.term());
        view.put("peers", members(members));
        return view;
    }

    @Override
    public LeaderSnapshots.Taken snapshot() {
        return snapshots.take();
    }

    @Override
    public String metrics() {
        return metrics.render();
    }

    private static Map<String, Object> active(ActiveTransactions.View tx) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("xid", tx.xid());
        row.put("state", Outcome.ACTIVE.name());
        row.put("inDoubt", false);
        row.put("phaseTwoDone", false);
        row.put("name", tx.name());
        row.put("app", tx.app());
        row.put("begunAtMillis", tx.begunAtMillis());
        row.put("timeoutMillis", tx.timeoutMillis());
        row.put("reason", "");
        row.put("messages", tx.messages());
        row.put("branches", tx.branches().stream().map(b -> branch(b.id(), b.resource(), b.instanceId(),
                b.vote().name())).toList());
        return row;
    }

    private static Map<String, Object> inDoubt(DecisionRecord decision, Map<String, List<BranchProgressView>> progress) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("xid", decision.getXid());
        row.put("state", decision.getOutcome().name());
        row.put("inDoubt", true);
        row.put("phaseTwoDone", false);
        row.put("name", decision.getName());
        row.put("app", decision.getApp());
        row.put("begunAtMillis", decision.getBegunAtMillis());
        row.put("decidedAtMillis", decision.getDecidedAtMillis());
        row.put("reason", decision.getReason());
        row.put("messages", decision.getMessagesCount());
        Map<Long, BranchProgressView> driven = new LinkedHashMap<>();
        progress.getOrDefault(decision.getXid(), List.of()).forEach(p -> driven.put(p.branchId(), p));
        List<Map<String, Object>> branches = new ArrayList<>();
        for (BranchRef ref : decision.getBranchesList()) {
            Map<String, Object> branch = branch(ref.getBranchId(), ref.getResource(), ref.getInstanceId(), "PREPARED");
            BranchProgressView branchProgress = driven.get(ref.getBranchId());
            branch.put("phaseTwo", phaseTwoState(branchProgress, decision.getOutcome(), ref.getResource()));
            branch.put("phaseTwoFailure", branchProgress == null ? "" : branchProgress.lastFailure());
            branches.add(branch);
        }
        row.put("branches", branches);
        return row;
    }

    private static String phaseTwoState(BranchProgressView progress, Outcome outcome, String resource) {
        if (progress == null) {
            return "not driven on this node (it does not lead)";
        }
        String action = outcome == Outcome.COMMITTED ? "commit" : "rollback";
        if (progress.acknowledged()) {
            return action + " acknowledged";
        }
        if (progress.waitingForSession()) {
            return "waiting for an RM session serving " + resource;
        }
        return action + " sent " + progress.attempts() + (progress.attempts() == 1 ? " time" : " times") + ", not acknowledged yet"
                + (progress.lastFailure().isEmpty() ? "" : " (failed at the RM)");
    }

    private static Map<String, Object> branch(long id, String resource, String instanceId, String vote) {
        Map<String, Object> branch = new LinkedHashMap<>();
        branch.put("id", id);
        branch.put("resource", resource);
        branch.put("instanceId", instanceId);
        branch.put("vote", vote);
        return branch;
    }

    private static Map<String, Object> finished(OutcomeReply status) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("xid", status.getXid());
        row.put("state", status.getOutcome().name());
        row.put("inDoubt", !status.getPhaseTwoDone() && status.getOutcome() != Outcome.ACTIVE);
        row.put("phaseTwoDone", status.getPhaseTwoDone());
        row.put("reason", status.getReason());
        return row;
    }
}
