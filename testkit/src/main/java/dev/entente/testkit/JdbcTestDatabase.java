package dev.entente.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/** What every vendor's {@link TestDatabase} shares: the server's URL, the admin connection, restart. */
abstract class JdbcTestDatabase implements TestDatabase {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final JdbcServerUrl server;
    private final EmbeddedServer embedded;
    private final String origin;

    /**
     * @param embedded the process behind {@code server}, or null for the machine's own server
     * @param origin how the server was chosen, for messages (the environment variable, or "embedded")
     */
    JdbcTestDatabase(JdbcServerUrl server, EmbeddedServer embedded, String origin) {
        this.server = server;
        this.embedded = embedded;
        this.origin = origin;
    }

    /** Drops {@code name} if present and creates it, on a connection to the admin database. */
    abstract void recreate(Connection admin, String name) throws SQLException;

    abstract List<String> listPrepared(Connection admin) throws SQLException;

    @Override
    public final String vendor() {
        return server.vendor();
    }

    @Override
    public final String createDatabase(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name '" + name + "' is not a lower-case SQL identifier "
                    + DATABASE_NAME.pattern());
        }
        if (name.equals(server.database())) {
            throw new IllegalArgumentException("database '" + name + "' is the admin database of " + this
                    + "; choose another name");
        }
        try (Connection admin = admin()) {
            recreate(admin, name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + this + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    @Override
    public final String jdbcUrl(String database) {
        return server.withDatabase(database);
    }

    @Override
    public final List<String> preparedTransactions() {
        try (Connection admin = admin()) {
            return listPrepared(admin);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list prepared transactions on " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public final boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public final void restart() {
        if (embedded == null) {
            throw new UnsupportedOperationException(this + " is the machine's own server; only an embedded one restarts");
        }
        embedded.restart();
    }

    final Connection admin() throws SQLException {
        return DriverManager.getConnection(server.url());
    }

    @Override
    public final String toString() {
        return vendor() + " at " + server.hostAndPort() + " (" + origin + ")";
    }
}
