package dev.entente.testkit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PostgreSQL. The server must allow prepared transactions ({@code max_prepared_transactions > 0}); an
 * embedded server is started with 64.
 */
final class PostgresTestDatabase extends JdbcTestDatabase {

    PostgresTestDatabase(JdbcServerUrl server, EmbeddedServer embedded, String origin) {
        super(server, embedded, origin);
    }

    /**
     * A database with prepared transactions cannot be dropped, so a previous run's leftovers in
     * {@code name} are rolled back first (dropping would destroy them anyway).
     */
    @Override
    void recreate(Connection admin, String name) throws SQLException {
        List<String> leftovers = new ArrayList<>();
        try (PreparedStatement query = admin.prepareStatement("SELECT gid FROM pg_prepared_xacts WHERE database = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    leftovers.add(rs.getString(1));
                }
            }
        }
        if (!leftovers.isEmpty()) {
            // ROLLBACK PREPARED only works from a session in the transaction's own database
            try (Connection inDatabase = DriverManager.getConnection(jdbcUrl(name));
                 Statement statement = inDatabase.createStatement()) {
                for (String gid : leftovers) {
                    statement.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
                }
            }
        }
        try (Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            statement.execute("CREATE DATABASE \"" + name + "\"");
        }
    }

    @Override
    List<String> listPrepared(Connection admin) throws SQLException {
        List<String> gtrids = new ArrayList<>();
        try (Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("SELECT gid FROM pg_prepared_xacts ORDER BY prepared")) {
            while (rs.next()) {
                gtrids.add(gtrid(rs.getString(1)));
            }
        }
        return gtrids;
    }

    /** pgjdbc names an XA branch {@code <formatId>_<base64 gtrid>_<base64 bqual>}. */
    private static String gtrid(String gid) {
        String[] parts = gid.split("_", -1);
        if (parts.length != 3) {
            return gid;
        }
        try {
            Integer.parseInt(parts[0]);
            Base64.getDecoder().decode(parts[2]);
            return new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notAnXid) {
            return gid;
        }
    }
}
