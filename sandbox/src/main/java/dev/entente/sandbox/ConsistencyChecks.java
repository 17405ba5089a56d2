package dev.entente.sandbox;

import dev.entente.sandbox.OrderEvents.Event;
import dev.entente.sandbox.OrderLoad.Outcome;
import dev.entente.sandbox.OrderLoad.Result;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the demo proves, computed from the three databases and the orders topic after the run: nothing
 * was created or lost (stock + reserved = opening stock, balance + paid = opening balance), nothing was
 * sold or charged twice (no stock or balance below zero), every order exists in all three databases or
 * in none, what the client saw committed is there and what it saw refused is not, every stored order
 * was published once and no other order at all, and no prepared branch is left behind.
 */
final class ConsistencyChecks {

    /** One check: its name, whether it held, and the evidence. */
    record Check(String name, boolean passed, String detail) {
    }

    private ConsistencyChecks() {
    }

    static List<Check> run(ShopDatabases databases, List<Event> events, List<Result> results, boolean failuresExpected)
            throws SQLException {
        List<Check> checks = new ArrayList<>();
        checks.add(conserved("stock + reserved = opening stock, for every sku", databases.stockPlusReserved(), ShopDatabases.STOCK));
        checks.add(conserved("balance + paid = opening balance, for every customer", databases.balancePlusPaid(),
                ShopDatabases.BALANCES));

        List<String> oversold = databases.oversoldSkus();
        List<String> overdrawn = databases.overdrawnCustomers();
        checks.add(new Check("no stock below zero and no balance below zero (nothing sold or charged twice)",
                oversold.isEmpty() && overdrawn.isEmpty(),
                oversold.isEmpty() && overdrawn.isEmpty() ? "none" : "oversold " + oversold + ", overdrawn " + overdrawn));

        Set<String> orders = databases.orderIds();
        Set<String> reserved = databases.reservedOrderIds();
        Set<String> paid = databases.paidOrderIds();
        checks.add(new Check("every order is in all three databases or in none",
                orders.equals(reserved) && orders.equals(paid),
                orders.size() + " orders, " + reserved.size() + " reservations, " + paid.size() + " payments"
                        + difference("without reservation", orders, reserved) + difference("reservation without order", reserved, orders)
                        + difference("without payment", orders, paid) + difference("payment without order", paid, orders)));

        Set<String> committed = ids(results, Outcome.COMMITTED);
        Set<String> refused = ids(results, Outcome.REFUSED);
        Set<String> missing = new HashSet<>(committed);
        missing.removeAll(orders);
        Set<String> leaked = new HashSet<>(refused);
        leaked.retainAll(orders);
        checks.add(new Check("every order acknowledged as committed is stored", missing.isEmpty(),
                committed.size() + " acknowledged" + (missing.isEmpty() ? "" : ", missing: " + sample(missing))));
        checks.add(new Check("no order refused (rolled back) is stored", leaked.isEmpty(),
                refused.size() + " refused" + (leaked.isEmpty() ? "" : ", stored anyway: " + sample(leaked))));
        checks.add(publishedOncePerOrder(orders, ids(results), events));

        List<String> prepared = databases.preparedBranches();
        checks.add(new Check("no prepared transaction left in PostgreSQL or MariaDB", prepared.isEmpty(),
                prepared.isEmpty() ? "pg_prepared_xacts and XA RECOVER are empty" : prepared.size() + " left: " + sample(prepared)));

        long failed = results.stream().filter(r -> r.outcome() == Outcome.FAILED).count();
        if (!failuresExpected) {
            checks.add(new Check("no order failed for a reason other than a refusal", failed == 0,
                    failed == 0 ? "none" : failed + " failed, e.g. " + firstFailure(results)));
        }
        return checks;
    }

    private static Check conserved(String name, Map<String, Integer> actual, Map<String, Integer> opening) {
        List<String> wrong = new ArrayList<>();
        opening.forEach((key, value) -> {
            if (!value.equals(actual.get(key))) {
                wrong.add(key + ": " + actual.get(key) + " instead of " + value);
            }
        });
        return new Check(name, wrong.isEmpty() && actual.size() == opening.size(),
                wrong.isEmpty() ? opening.size() + " checked" : String.join("; ", wrong));
    }

    /**
     * Exactly one OrderPlaced per stored (committed) order and none for any other, as read_committed
     * consumers see the topic; each keyed by its order id and carrying the XID it was published in.
     */
    private static Check publishedOncePerOrder(Set<String> orders, Set<String> placed, List<Event> events) {
        Map<String, Long> perOrder = events.stream().filter(e -> e.orderId() != null)
                .collect(Collectors.groupingBy(Event::orderId, Collectors.counting()));
        List<String> twice = perOrder.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " (" + e.getValue() + " times)").toList();
        List<String> unreadable = events.stream().filter(e -> e.orderId() == null).map(Event::where).toList();
        List<String> misKeyed = events.stream().filter(e -> e.orderId() != null && !e.orderId().equals(e.key()))
                .map(e -> e.orderId() + " keyed '" + e.key() + "'").toList();
        List<String> withoutXid = events.stream().filter(e -> e.xid() == null).map(Event::where).toList();
        Set<String> notStored = new HashSet<>(placed);
        notStored.removeAll(orders);
        boolean passed = perOrder.keySet().equals(orders) && twice.isEmpty() && unreadable.isEmpty() && misKeyed.isEmpty()
                && withoutXid.isEmpty();
        return new Check("one OrderPlaced per stored order and none for the others (read_committed, with entente-xid)", passed,
                events.size() + " events for " + orders.size() + " stored orders"
                        + (passed ? ", none for the " + notStored.size() + " not stored (refused or failed)" : "")
                        + difference("stored without an event", orders, perOrder.keySet())
                        + difference("published but not stored", perOrder.keySet(), orders)
                        + listed("published more than once", twice) + listed("not an OrderPlaced", unreadable)
                        + listed("not keyed by order id", misKeyed) + listed("without entente-xid", withoutXid));
    }

    private static Set<String> ids(List<Result> results) {
        Set<String> ids = new HashSet<>();
        results.forEach(r -> ids.add(r.order()));
        return ids;
    }

    private static Set<String> ids(List<Result> results, Outcome outcome) {
        Set<String> ids = new HashSet<>();
        results.stream().filter(r -> r.outcome() == outcome).forEach(r -> ids.add(r.order()));
        return ids;
    }

    private static String difference(String label, Set<String> left, Set<String> right) {
        Set<String> only = new HashSet<>(left);
        only.removeAll(right);
        return only.isEmpty() ? "" : "; " + only.size() + " " + label + ": " + sample(only);
    }

    private static String listed(String label, List<String> values) {
        return values.isEmpty() ? "" : "; " + values.size() + " " + label + ": " + sample(values);
    }

    private static String sample(java.util.Collection<String> values) {
        return values.stream().sorted().limit(5).toList() + (values.size() > 5 ? " ..." : "");
    }

    static String firstFailure(List<Result> results) {
        return results.stream().filter(r -> r.outcome() == Outcome.FAILED).findFirst()
                .map(r -> r.order() + " (" + (r.status() == 0 ? "no answer" : "HTTP " + r.status()) + "): " + r.reply())
                .orElse("none");
    }
}
