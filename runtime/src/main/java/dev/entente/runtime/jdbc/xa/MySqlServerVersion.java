package dev.entente.runtime.jdbc.xa;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a MySQL-protocol server keeps a prepared XA branch when the session that prepared it
 * disconnects, from the version its driver reports ({@code DatabaseMetaData.getDatabaseProductVersion()}).
 * Entente needs it to: a service may die between its branch's yes vote and phase 2, and the branch must
 * then stay prepared for phase 2 or recovery instead of rolling back under a commit decision. The
 * vendors document when that became so: MariaDB 10.5.2 (MDEV-742; before, a disconnect rolled the
 * prepared branch back) and MySQL 5.7.7 (before, a disconnect or a clean shutdown rolled it back; the
 * manual's "Restrictions on XA Transactions").
 */
final class MySqlServerVersion {

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    /** What MariaDB 10.x puts before its version for old MySQL clients (MySQL Connector/J passes it on). */
    private static final String MYSQL_COMPATIBILITY_PREFIX = "5.5.5-";
    private static final int[] MARIADB_SINCE = {10, 5, 2};
    private static final int[] MYSQL_SINCE = {5, 7, 7};

    private MySqlServerVersion() {
    }

    /** Why a server reporting {@code version} must not hold branches of global transactions, or empty if it may. */
    static Optional<String> refusal(String version) {
        String reported = version == null ? "" : version.trim();
        boolean mariaDb = reported.toLowerCase(Locale.ROOT).contains("mariadb");
        String numbers = mariaDb && reported.startsWith(MYSQL_COMPATIBILITY_PREFIX)
                ? reported.substring(MYSQL_COMPATIBILITY_PREFIX.length()) : reported;
        Matcher matcher = VERSION.matcher(numbers);
        if (!matcher.lookingAt()) {
            return Optional.of("Entente cannot read the server version '" + reported + "', so cannot tell whether the "
                    + "server keeps a prepared XA branch when its session disconnects (MariaDB does from 10.5.2, MySQL from 5.7.7)");
        }
        int[] found = {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
            matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3))};
        if (mariaDb && isBefore(found, MARIADB_SINCE)) {
            return Optional.of("MariaDB before 10.5.2 rolls a prepared XA branch back when the session that prepared it "
                    + "disconnects (MDEV-742), so a service dying between its vote and phase 2 would lose work the "
                    + "transaction committed; use MariaDB 10.5.2 or later");
        }
        if (!mariaDb && isBefore(found, MYSQL_SINCE)) {
            return Optional.of("MySQL before 5.7.7 rolls a prepared XA branch back when the session that prepared it "
                    + "disconnects or the server shuts down cleanly, so a service dying between its vote and phase 2 "
                    + "would lose work the transaction committed; use MySQL 5.7.7 or later");
        }
        return Optional.empty();
    }

    private static boolean isBefore(int[] version, int[] since) {
        for (int i = 0; i < since.length; i++) {
            if (version[i] != since[i]) {
                return version[i] < since[i];
            }
        }
        return false;
    }
}
