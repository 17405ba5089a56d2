package dev.entente.chaos;

import dev.entente.chaos.BankDatabases.Movement;
import dev.entente.chaos.BankDatabases.Side;
import dev.entente.testkit.CommittedRecords.Message;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What must hold once faults are healed and recovery is done, read from the three databases and compared
 * with what the clients were told: money is neither created nor destroyed; every transfer took effect
 * on both sides and in the transfer service's journal, or in none of them, with the amounts and the one
 * XID it ran in; what was acknowledged as
 * committed is on both sides, what was acknowledged as rolled back on neither; no prepared branch is
 * left behind; a transfer that took effect published exactly one event (with its XID), one that did
 * not, none.
 */
final class InvariantChecker {

    /** One broken invariant: which, the transfers and XIDs involved, and the evidence. */
    record Violation(String invariant, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + detail;
        }
    }

    /** The counts of a run and its violations. */
    record Verdict(int transfers, int committed, int rolledBack, int unknown, int unknownCommitted,
                   int unknownRolledBack, int events, List<Violation> violations) {
    }

    private final BankDatabases databases;
    private final List<Violation> violations = new ArrayList<>();

    InvariantChecker(BankDatabases databases) {
        this.databases = databases;
    }

    /**
     * @param preparedLeft the prepared branches of the run still in the databases
     * @param events       the run's transfer events, as a {@code read_committed} consumer reads them
     */
    Verdict check(List<Transfer> transfers, List<String> preparedLeft, List<Message> events) throws SQLException {
        Map<String, Map<String, Movement>> ledgers = new HashMap<>();
        long total = 0;
        for (Side side : databases.sides()) {
            Map<String, Movement> ledger = BankDatabases.ledger(side);
            Map<String, Integer> balances = BankDatabases.balances(side);
            ledgers.put(side.name(), ledger);
            total += balances.values().stream().mapToLong(Integer::longValue).sum();
            balancesMatchLedger(side.name(), balances, ledger);
        }
        long opening = 2L * BankDatabases.ACCOUNTS * BankDatabases.OPENING_BALANCE;
        if (total != opening) {
            violations.add(new Violation("total balance conserved", "total is " + total + ", opening total " + opening));
        }

        Map<String, Transfer> sent = new HashMap<>();
        transfers.forEach(t -> sent.put(t.id(), t));
        TreeSet<String> unsent = new TreeSet<>();
        ledgers.values().forEach(ledger -> ledger.keySet().stream().filter(id -> !sent.containsKey(id)).forEach(unsent::add));
        if (!unsent.isEmpty()) {
            violations.add(new Violation("ledger rows only for transfers sent", unsent.size() + " unknown: " + sample(unsent)));
        }

        Map<String, List<Message>> eventsByTransfer = events.stream().collect(Collectors.groupingBy(Message::key));
        TreeSet<String> unsentEvents = new TreeSet<>(eventsByTransfer.keySet());
        unsentEvents.removeAll(sent.keySet());
        if (!unsentEvents.isEmpty()) {
            violations.add(new Violation("events only for transfers sent", unsentEvents.size() + " unknown: " + sample(unsentEvents)));
        }

        Map<String, String> journal = databases.journal();
        int committed = 0;
        int rolledBack = 0;
        int unknown = 0;
        int unknownCommitted = 0;
        int unknownRolledBack = 0;
        for (Transfer transfer : transfers) {
            Movement pg = ledgers.get("pg").get(transfer.id());
            Movement maria = ledgers.get("maria").get(transfer.id());
            String journaled = journal.get(transfer.id());
            boolean both = pg != null && maria != null && journaled != null;
            boolean neither = pg == null && maria == null && journaled == null;
            String evidence = evidence(transfer, pg, maria, journaled);
            if (!both && !neither) {
                violations.add(new Violation("all or nothing", transfer.id() + " took effect on "
                        + String.join(" and ", tookEffectOn(pg, maria, journaled)) + " only; " + evidence));
            }
            if (both) {
                movementsMatch(transfer, pg, maria, journaled, evidence);
            }
            publishedOnceIfTookEffect(both, eventsByTransfer.getOrDefault(transfer.id(), List.of()), pg, evidence);
            switch (transfer.outcome()) {
                case COMMITTED -> {
                    committed++;
                    if (!both) {
                        violations.add(new Violation("acknowledged commit visible on both sides", evidence));
                    }
                }
                case ROLLED_BACK -> {
                    rolledBack++;
                    if (!neither) {
                        violations.add(new Violation("acknowledged rollback visible on neither side", evidence));
                    }
                }
                case UNKNOWN -> {
                    unknown++;
                    unknownCommitted += both ? 1 : 0;
                    unknownRolledBack += neither ? 1 : 0;
                }
            }
        }
        if (!preparedLeft.isEmpty()) {
            violations.add(new Violation("no prepared Xid left (pg_prepared_xacts, XA RECOVER)",
                    preparedLeft.size() + " left: " + sample(preparedLeft)));
        }
        return new Verdict(transfers.size(), committed, rolledBack, unknown, unknownCommitted, unknownRolledBack,
                events.size(), List.copyOf(violations));
    }

    private void balancesMatchLedger(String side, Map<String, Integer> balances, Map<String, Movement> ledger) {
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < BankDatabases.ACCOUNTS; i++) {
            expected.put(BankDatabases.account(i), BankDatabases.OPENING_BALANCE);
        }
        ledger.values().forEach(m -> expected.merge(m.account(), m.delta(), Integer::sum));
        expected.forEach((account, balance) -> {
            if (!balance.equals(balances.get(account))) {
                violations.add(new Violation("balance = opening + ledger", side + " " + account + " holds "
                        + balances.get(account) + ", its ledger says " + balance));
            }
        });
    }

    private static List<String> tookEffectOn(Movement pg, Movement maria, String journaled) {
        List<String> where = new ArrayList<>();
        if (pg != null) {
            where.add("pg");
        }
        if (maria != null) {
            where.add("maria");
        }
        if (journaled != null) {
            where.add("the journal");
        }
        return where;
    }

    /** Both legs of a transfer that took effect: the right accounts and amounts, one XID (the journal's too), the one the client was told. */
    private void movementsMatch(Transfer transfer, Movement pg, Movement maria, String journaled, String evidence) {
        for (Movement movement : List.of(pg, maria)) {
            String side = movement == pg ? "pg" : "maria";
            if (movement.delta() != transfer.deltaOn(side) || !movement.account().equals(transfer.accountOn(side))) {
                violations.add(new Violation("each leg moves the transfer's amount", side + " leg of " + evidence));
            }
        }
        if (!pg.xid().equals(maria.xid()) || !pg.xid().equals(journaled) || (transfer.xid() != null && !transfer.xid().equals(pg.xid()))) {
            violations.add(new Violation("one XID per transfer", evidence));
        }
    }

    /** One event, with the transfer's XID, for a transfer that took effect on both sides; none for one that did not. */
    private void publishedOnceIfTookEffect(boolean tookEffect, List<Message> events, Movement pg, String evidence) {
        if (tookEffect && events.size() != 1) {
            violations.add(new Violation("one event per committed transfer (read_committed)", events.size()
                    + " events at " + offsets(events) + " for " + evidence));
        } else if (tookEffect && !pg.xid().equals(events.get(0).header("entente-xid"))) {
            violations.add(new Violation("the event carries its transaction's XID", "event xid "
                    + events.get(0).header("entente-xid") + " for " + evidence));
        } else if (!tookEffect && !events.isEmpty()) {
            violations.add(new Violation("no event for a transfer that did not take effect", events.size()
                    + " events at " + offsets(events) + " for " + evidence));
        }
    }

    private static String offsets(List<Message> events) {
        return events.stream().map(e -> e.partition() + "@" + e.offset()).toList().toString();
    }

    private static String evidence(Transfer transfer, Movement pg, Movement maria, String journaled) {
        return transfer.id() + " (" + transfer.from() + " -> " + transfer.to() + ", " + transfer.amount()
                + (transfer.creditFirst() ? ", credit first" : ", debit first") + ") told " + transfer.outcome()
                + " xid " + Objects.requireNonNullElse(transfer.xid(), "-") + " [" + transfer.detail() + "]; ledger pg "
                + (pg == null ? "none" : pg.xid() + " " + pg.delta()) + ", maria "
                + (maria == null ? "none" : maria.xid() + " " + maria.delta()) + ", journal " + Objects.requireNonNullElse(journaled, "none");
    }

    private static String sample(java.util.Collection<String> values) {
        return values.stream().sorted().limit(10).toList() + (values.size() > 10 ? " ..." : "");
    }
}
