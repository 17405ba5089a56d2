package dev.entente.runtime.jdbc.xa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names a database {@code <vendor>://<host>:<port>[,<host>:<port>…]/<database>} from a connection's
 * JDBC URL: credentials, parameters and driver sub-protocols dropped, default ports filled in, so
 * every connection to the same database gets the same name.
 */
final class ResourceNames {

    private static final Pattern ADDRESS_HOST = Pattern.compile("host=([^)]+)");
    private static final Pattern ADDRESS_PORT = Pattern.compile("port=([0-9]+)");

    private ResourceNames() {
    }

    /**
     * @param database the database to name; null to take it from the URL's path, or if the URL names
     *                 none, from the connection's current catalog
     * @throws SQLException naming the connection class if its URL is missing or not {@code jdbc:…://host…}
     */
    static String of(String vendor, int defaultPort, Connection physical, String database) throws SQLException {
        String url = physical.getMetaData().getURL();
        int start = url == null ? -1 : url.indexOf("://");
        if (start < 0) {
            throw new SQLException(vendor + ": cannot name the database of a " + physical.getClass().getName()
                    + " connection: its URL " + (url == null ? "is unknown" : "has no host part"));
        }
        String rest = url.substring(start + 3);
        int query = indexOrLength(rest, '?');
        int path = rest.indexOf('/');
        if (path > query) {
            path = -1;
        }
        String authority = path < 0 ? rest.substring(0, query) : rest.substring(0, path);
        String urlDatabase = path < 0 ? "" : rest.substring(path + 1, query);
        String name = database != null ? database : !urlDatabase.isEmpty() ? urlDatabase : catalog(physical);
        return vendor + "://" + String.join(",", hosts(authority, defaultPort)) + "/" + name;
    }

    private static String catalog(Connection physical) throws SQLException {
        String catalog = physical.getCatalog();
        return catalog == null ? "" : catalog;
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
