package dev.entente.bench.twodatabases;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;

/** The coordinator cluster this workload's global transactions belong to: the first part of their XIDs. */
final class ClusterOfTransactions {

    @GlobalTransactional(name = "bench-cluster-id")
    String id() {
        String xid = GlobalTransaction.currentXid().orElseThrow(() -> new IllegalStateException(
                "no global transaction: is the Entente agent attached?"));
        return xid.substring(0, xid.indexOf(':'));
    }
}
