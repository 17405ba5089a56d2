package dev.entente.testkit;

import java.util.List;

/**
 * A real database server a test can use: either the machine's own (named by an environment variable,
 * as CI does) or one started embedded in this JVM. One instance per vendor and JVM, shared by all
 * tests (see {@link TestDatabases}); tests isolate themselves by database name and by the XIDs they
 * use, never by owning the server.
 */
public interface TestDatabase {

    /** {@code "postgresql"} or {@code "mariadb"}: the vendor, as it appears in JDBC URLs. */
    String vendor();

    /**
     * Drops {@code name} if it exists and creates it empty. Names are lower-case SQL identifiers
     * ({@code [a-z_][a-z0-9_]*}, at most 63 characters).
     *
     * @return the JDBC URL of the new database, credentials included as URL parameters
     * @throws IllegalStateException if the server refuses; the message names the server and database
     */
    String createDatabase(String name);

    /** The JDBC URL of {@code database} on this server, credentials included as URL parameters. */
    String jdbcUrl(String database);

    /**
     * The global transaction ids (XA gtrids, decoded as UTF-8 text) of every transaction currently
     * prepared on this server, in any database and from any test. A prepared transaction whose id is
     * not an XA Xid (PostgreSQL {@code PREPARE TRANSACTION 'name'} by hand) is listed by its raw name.
     */
    List<String> preparedTransactions();

    /** True if this JVM started the server (and so may {@link #restart()} it). */
    boolean isEmbedded();

    /**
     * Stops an embedded server and starts it again on the same port and data; prepared
     * transactions survive, open connections do not.
     *
     * @throws UnsupportedOperationException for the machine's own server
     */
    void restart();
}
