package dev.entente.bench.twodatabases;

/** How the two row updates of one operation are made atomic, if at all. */
enum Variant {
    NO_GLOBAL_TRANSACTION("no global transaction"),
    ENTENTE("Entente (agent)"),
    ATOMIKOS("Atomikos (JTA)"),
    NARAYANA("Narayana (JTA)"),
    /** Seata's XA mode, in a JVM of its own client's class path (module peers), against Seata's coordinator. */
    SEATA_XA("Seata (XA mode)");

    final String label;

    Variant(String label) {
        this.label = label;
    }
}
