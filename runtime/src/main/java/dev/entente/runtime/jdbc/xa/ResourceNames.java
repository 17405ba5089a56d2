package dev.entente.runtime.jdbc.xa;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names a database by its server's own identity, {@code <server>://<identity>/<database>}, never by
 * the address in the URL: two servers reached at the same address (on two machines, or one after a
 * failover) must never share a name, for phase 2 would then finish a branch on the wrong one; and one
 * server reached by two addresses ({@code localhost}, {@code 127.0.0.1}) has one name. The identity
 * is read with one query on the connection; a server whose identity cannot be read is an error that
 * names the query and what fixes it, never a fallback to the address.
 *
 * <ul>
 *   <li>PostgreSQL: {@code postgresql://<system_identifier>/<database>}, the identifier
 *       {@code pg_controldata} shows, made by {@code initdb}: the same after a restart, and on the
 *       streaming replicas of the server, which a failover promotes with its prepared transactions.</li>
 *   <li>MariaDB: {@code mariadb://<server_uid>@<hostname>/<database>}: {@code @@server_uid} is a hash
 *       of the server's port and a network interface's MAC address, and {@code @@hostname} tells apart
 *       containers of equal MAC addresses (Docker derives them from the container's IP address).</li>
 *   <li>MySQL: {@code mysql://<server_uuid>/<database>}, the UUID the server keeps in its data
 *       directory ({@code auto.cnf}).</li>
 * </ul>
 * The prefix names the server that answers, whichever driver connected to it.
 */
final class ResourceNames {

    private static final Pattern ADDRESS_HOST = Pattern.compile("host=([^)]+)");
    private static final Pattern ADDRESS_PORT = Pattern.compile("port=([0-9]+)");
    private static final String POSTGRES_IDENTITY = "SELECT system_identifier FROM pg_control_system()";
    private static final String MARIADB_IDENTITY = "SELECT @@server_uid, @@hostname";
    private static final String MYSQL_IDENTITY = "SELECT @@server_uuid";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private ResourceNames() {
    }

    /** The database is the session's own ({@code current_database()}): a PostgreSQL session cannot switch. */
    static String postgres(Connection physical) throws SQLException {
        String identity;
        try {
            identity = query(physical, POSTGRES_IDENTITY)[0];
        } catch (SQLException e) {
            String user = physical.getMetaData().getUserName();
            String fix = INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())
                    ? "; a superuser lets the application's user read it: GRANT EXECUTE ON FUNCTION pg_control_system() TO "
                    + user : "";
            throw unreadable("postgresql", POSTGRES_IDENTITY + " as user " + user + " failed (" + e.getMessage() + ")" + fix, e);
        }
        return "postgresql://" + required("postgresql", identity, "system_identifier") + "/" + physical.getCatalog();
    }

    /**
     * A MariaDB or MySQL server, told apart by the version it announced when the connection opened.
     *
     * @param database the database of the connection's URL (a later {@code USE} does not rename it)
     */
    static String mysqlFamily(Connection physical, String database) throws SQLException {
        String version = physical.getMetaData().getDatabaseProductVersion();
        boolean mariadb = version != null && version.toLowerCase(Locale.ROOT).contains("mariadb");
        String server = mariadb ? "mariadb" : "mysql";
        String sql = mariadb ? MARIADB_IDENTITY : MYSQL_IDENTITY;
        String[] row;
        try {
            row = query(physical, sql);
        } catch (SQLException e) {
            throw unreadable(server, sql + " failed on server version " + version + " (" + e.getMessage() + ")", e);
        }
        String identity = mariadb
                ? urlSafe(required(server, row[0], "@@server_uid (a hash of the port and a network interface's MAC address: "
                + "the server found no such interface)")) + "@" + required(server, row[1], "@@hostname").toLowerCase(Locale.ROOT)
                : required(server, row[0], "@@server_uuid");
        return server + "://" + identity + "/" + database;
    }

    /**
     * The database in the connection's URL, or if the URL names none, the connection's current catalog.
     *
     * @throws SQLException naming the connection class if its URL is missing or not {@code jdbc:…://host…}
     */
    static String urlDatabase(String vendor, Connection physical) throws SQLException {
        Url url = Url.of(vendor, physical);
        if (!url.database.isEmpty()) {
            return url.database;
        }
        String catalog = physical.getCatalog();
        return catalog == null ? "" : catalog;
    }

    /**
     * Where the connection's URL says the server is, {@code host:port[,host:port…]}, default ports filled
     * in: for logs and messages only, never part of a name. "unknown" if the URL cannot be read.
     */
    static String address(String vendor, int defaultPort, Connection physical) {
        try {
            return String.join(",", hosts(Url.of(vendor, physical).authority, defaultPort));
        } catch (SQLException e) {
            return "unknown";
        }
    }

    private static String[] query(Connection physical, String sql) throws SQLException {
        try (Statement statement = physical.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            if (!row.next()) {
                throw new SQLException(sql + " returned no row");
            }
            String[] values = new String[row.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.getString(i + 1);
            }
            return values;
        }
    }

    private static String required(String server, String value, String what) throws SQLException {
        if (value == null || value.isBlank()) {
            throw unreadable(server, what + " is empty", null);
        }
        return value.trim();
    }

    private static SQLException unreadable(String server, String why, SQLException cause) {
        return new SQLException(server + ": cannot name this database by its server's identity: " + why
                + ". Entente names a database by the identity of its server, never by the address in the URL, "
                + "so that two servers reached at one address never share a name", cause);
    }

    /** Base64 with {@code -} and {@code _} for {@code +} and {@code /} (a name's {@code /} separates the database), unpadded. */
    private static String urlSafe(String base64) {
        return base64.replace('+', '-').replace('/', '_').replace("=", "");
    }

    /** The parts of a {@code jdbc:<sub-protocol>://<authority>/<database>?<parameters>} URL a name needs. */
    private record Url(String authority, String database) {

        static Url of(String vendor, Connection physical) throws SQLException {
            String url = physical.getMetaData().getURL();
            int start = url == null ? -1 : url.indexOf("://");
            if (start < 0) {
                throw new SQLException(vendor + ": cannot read the URL of a " + physical.getClass().getName()
                        + " connection: " + (url == null ? "it is unknown" : "it has no host part"));
            }
            String rest = url.substring(start + 3);
            int query = indexOrLength(rest, '?');
            int path = rest.indexOf('/');
            if (path > query) {
                path = -1;
            }
            return path < 0 ? new Url(rest.substring(0, query), "")
                    : new Url(rest.substring(0, path), rest.substring(path + 1, query));
        }
    }

    private static List<String> hosts(String authority, int defaultPort) {
        String withoutUser = authority.substring(authority.lastIndexOf('@') + 1);
        List<String> hosts = new ArrayList<>();
        for (String host : withoutUser.split(",")) {
            if (!host.isBlank()) {
                hosts.add(hostAndPort(host.trim(), defaultPort));
            }
        }
        return hosts;
    }

    /** {@code h}, {@code h:p}, {@code [v6]:p}, or MariaDB/MySQL's {@code address=(host=h)(port=p)}. */
    private static String hostAndPort(String host, int defaultPort) {
        Matcher addressHost = ADDRESS_HOST.matcher(host);
        if (addressHost.find()) {
            Matcher addressPort = ADDRESS_PORT.matcher(host);
            return lower(addressHost.group(1)) + ":" + (addressPort.find() ? addressPort.group(1) : defaultPort);
        }
        int portSeparator = host.lastIndexOf(':');
        if (portSeparator < 0 || host.lastIndexOf(']') > portSeparator) {
            return lower(host) + ":" + defaultPort;
        }
        return lower(host.substring(0, portSeparator)) + host.substring(portSeparator);
    }

    private static String lower(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    private static int indexOrLength(String text, char c) {
        int index = text.indexOf(c);
        return index < 0 ? text.length() : index;
    }
}
