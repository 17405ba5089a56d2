package dev.entente.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's JDBC URL split into what stays ({@code jdbc:<vendor>://host:port}, the parameters with
 * the credentials) and what changes per database.
 */
record JdbcServerUrl(String vendor, String hostAndPort, String database, String parameters) {

    private static final Pattern URL = Pattern.compile("jdbc:([a-z]+)://([^/?]+)/?([^?]*)(?:\\?(.*))?");

    /**
     * @param setting where the URL came from, named in the error if it is malformed
     * @throws IllegalArgumentException if {@code url} is not {@code jdbc:<vendor>://host:port/database?...}
     */
    static JdbcServerUrl parse(String url, String vendor, String setting) {
        Matcher m = URL.matcher(url.trim());
        if (!m.matches() || !m.group(1).equals(vendor)) {
            throw new IllegalArgumentException(setting + " = '" + url + "' is not a " + vendor
                    + " JDBC URL; expected jdbc:" + vendor + "://host:port/database?user=...");
        }
        return new JdbcServerUrl(vendor, m.group(2), m.group(3), m.group(4) == null ? "" : m.group(4));
    }

    static JdbcServerUrl of(String vendor, int port, String database, String parameters) {
        return new JdbcServerUrl(vendor, "127.0.0.1:" + port, database, parameters);
    }

    /** The URL this server was named by. */
    String url() {
        return withDatabase(database);
    }

    String withDatabase(String name) {
        return "jdbc:" + vendor + "://" + hostAndPort + "/" + name + (parameters.isEmpty() ? "" : "?" + parameters);
    }
}
