package dev.entente.sandbox;

import dev.entente.sandbox.OrderLoad.Outcome;
import dev.entente.sandbox.OrderLoad.Result;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the demo proves, computed from the three databases after the run: nothing was created or lost
 * (stock + reserved = opening stock, balance + paid = opening balance), nothing was sold or charged
 * twice (no stock or balance below zero), every order exists in all
 * three databases or in none, what the client saw committed is there and what it saw refused is not,
 * and no prepared branch is left behind.
 */
final class ConsistencyChecks {

    /** One check: its name, whether it held, and the evidence. */
    record Check(String name, boolean passed, String detail) {
    }

    private ConsistencyChecks() {
    }

    static List<Check> run(ShopDatabases databases, List<Result> results, boolean failuresExpected) throws SQLException {
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

    private static String sample(java.util.Collection<String> values) {
        return values.stream().sorted().limit(5).toList() + (values.size() > 5 ? " ..." : "");
    }

    static String firstFailure(List<Result> results) {
        return results.stream().filter(r -> r.outcome() == Outcome.FAILED).findFirst()
                .map(r -> r.order() + " (" + (r.status() == 0 ? "no answer" : "HTTP " + r.status()) + "): " + r.reply())
                .orElse("none");
    }
}
