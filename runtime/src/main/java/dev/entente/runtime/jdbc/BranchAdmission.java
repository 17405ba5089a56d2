package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.Hooks;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaDialects;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses JDBC work under a global transaction that could not be part of it. A database server that
 * would lose a prepared branch when its session disconnects (MariaDB before 10.5.2, MySQL before 5.7.7:
 * {@link XaDialect#refuseServer}) is refused at the first enlistment on it, naming its version and why.
 * Work on a connection of a
 * driver Entente cannot enlist (H2, SQLite, Derby, ...) would commit on its own, outside the
 * transaction: the statement is refused with an {@link SQLException} naming the driver, the URL's
 * vendor and the setting that excuses it, and the transaction is made to roll back (so an application
 * that catches the exception cannot commit the rest). A resource whose JDBC URL starts with one of the
 * {@code excluded-resources} prefixes is excused: its work is the application's own, outside global
 * transactions, as without Entente.
 */
public final class BranchAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(BranchAdmission.class);
    static final String EXCUSE = "excluded-resources (environment variable ENTENTE_EXCLUDED_RESOURCES, system property "
            + "entente.excluded-resources)";

    private final List<String> excludedUrlPrefixes;
    private final BiConsumer<String, String> rollBack;
    /** Physical connections of unsupported drivers whose URL an excluded prefix matches, by identity. */
    private final Map<Connection, Boolean> excused = Collections.synchronizedMap(new WeakHashMap<>());
    /** Resources whose server version was checked and found able to hold branches. */
    private final Set<String> admittedServers = ConcurrentHashMap.newKeySet();

    /**
     * @param excludedUrlPrefixes JDBC URL prefixes of resources whose work may stay outside global transactions
     * @param rollBack            makes a transaction (XID) roll back, for a reason
     */
    public BranchAdmission(List<String> excludedUrlPrefixes, BiConsumer<String, String> rollBack) {
        this.excludedUrlPrefixes = List.copyOf(excludedUrlPrefixes);
        this.rollBack = rollBack;
    }

    /**
     * {@code connection}, which no XA dialect recognises, is about to work under {@code xid}. A wrapper
     * over a supported connection passes (the physical connection's own call enlists it); a connection
     * of an unsupported driver passes only if excused.
     *
     * @throws SQLException naming the driver and the setting, the transaction marked to roll back
     */
    void admitUnsupported(Connection connection, String xid) throws SQLException {
        Connection physical = ResourceManager.innermost(connection);
        if (XaDialects.forConnection(physical).isPresent() || excused.containsKey(physical)) {
            return;
        }
        UnsupportedResource resource = UnsupportedResource.of(physical);
        if (excludedUrlPrefixes.stream().anyMatch(resource.url::startsWith)) {
            excused.put(physical, Boolean.TRUE);
            return;
        }
        refuse(xid, resource.describe() + " cannot join global transaction " + xid + ": Entente enlists only PostgreSQL, "
                + "MariaDB and MySQL Connector/J connections, and this work would commit on its own, outside the "
                + "transaction, so the transaction rolls back. If this resource's work may stay outside global "
                + "transactions, name it in the setting " + EXCUSE + ", e.g. excluded-resources=" + resource.withoutParameters());
    }

    /**
     * {@code physical}, a connection to {@code resource} that {@code dialect} drives, is about to become a
     * branch of {@code xid}: refused if the server's version is one that loses prepared branches at
     * disconnect. Each resource's server is checked once, at its first enlistment.
     *
     * @throws SQLException naming the resource, its server version and why, the transaction marked to roll back
     */
    void admitServer(XaDialect dialect, Connection physical, String resource, String xid) throws SQLException {
        if (admittedServers.contains(resource)) {
            return;
        }
        String version = serverVersion(physical);
        Optional<String> refusal = dialect.refuseServer(version);
        if (refusal.isPresent()) {
            refuse(xid, resource + " (server version " + version + ") cannot hold a branch of global transaction " + xid
                    + ": " + refusal.get());
        }
        admittedServers.add(resource);
    }

    private static String serverVersion(Connection physical) {
        boolean wasInternal = Hooks.isInternal();
        Hooks.internal(true);
        try {
            return physical.getMetaData().getDatabaseProductVersion();
        } catch (SQLException | RuntimeException e) {
            return ""; // a dialect that needs it refuses an unreadable version, naming it
        } finally {
            Hooks.internal(wasInternal);
        }
    }

    private void refuse(String xid, String reason) throws SQLException {
        LOG.warn("{}", reason);
        rollBack.accept(xid, reason);
        throw new SQLException(reason, "0A000");
    }

    /** What the refusal says of a connection: its URL, driver and class. */
    private record UnsupportedResource(String url, String driver, String connectionClass) {

        static UnsupportedResource of(Connection physical) {
            boolean wasInternal = Hooks.isInternal();
            Hooks.internal(true);
            try {
                DatabaseMetaData metaData = physical.getMetaData();
                return new UnsupportedResource(String.valueOf(metaData.getURL()),
                        metaData.getDriverName() + " " + metaData.getDriverVersion(), physical.getClass().getName());
            } catch (SQLException | RuntimeException e) {
                return new UnsupportedResource("", "unknown (" + e.getMessage() + ")", physical.getClass().getName());
            } finally {
                Hooks.internal(wasInternal);
            }
        }

        /** The URL up to its parameters, which may hold credentials. */
        String withoutParameters() {
            int end = url.length();
            for (char separator : new char[] {';', '?'}) {
                int at = url.indexOf(separator);
                end = at >= 0 ? Math.min(end, at) : end;
            }
            return url.substring(0, end);
        }

        /** The vendor a JDBC URL names: {@code h2} in {@code jdbc:h2:mem:x}. */
        String vendor() {
            String[] parts = url.split(":", 3);
            return parts.length >= 2 && parts[0].equals("jdbc") ? parts[1] : "unknown";
        }

        String describe() {
            return "JDBC work on " + (url.isEmpty() ? "a connection" : withoutParameters()) + " (URL vendor '" + vendor()
                    + "', driver " + driver + ", connection class " + connectionClass + ")";
        }
    }
}
