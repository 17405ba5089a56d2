package dev.entente.runtime.jdbc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The version rule over the strings drivers report: MariaDB Connector/J gives MariaDB's own version,
 * MySQL Connector/J passes on the {@code 5.5.5-} that MariaDB 10.x puts before it.
 */
class MySqlServerVersionTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.5.2-MariaDB", "5.5.5-10.5.2-MariaDB", "10.6.18-MariaDB-log", "5.5.5-10.11.6-MariaDB-0+deb12u1",
        "10.11.6-MariaDB", "11.4.5-MariaDB", "11.8.2-MariaDB-ubu2404", "5.7.7", "5.7.44-log", "8.0.28", "8.0.36",
        "8.4.3", "9.1.0-commercial", "8.0.mysql_aurora.3.05.2", "5.7.7-10-log"})
    void aServerThatKeepsPreparedBranchesAcrossADisconnectIsAccepted(String version) {
        assertThat(MySqlServerVersion.refusal(version)).as(version).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.5.1-MariaDB", "5.5.5-10.5.1-MariaDB", "10.4.34-MariaDB", "5.5.5-10.4.34-MariaDB-1:10.4.34+maria~ubu2004",
        "10.3.39-MariaDB-log", "5.5.68-MariaDB"})
    void mariaDbBefore10_5_2IsRefusedSayingWhy(String version) {
        assertThat(MySqlServerVersion.refusal(version)).as(version).hasValueSatisfying(why -> assertThat(why)
                .startsWith("MariaDB before 10.5.2 rolls a prepared XA branch back when the session that prepared it "
                        + "disconnects (MDEV-742)")
                .endsWith("use MariaDB 10.5.2 or later"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.7.6", "5.7.6-log", "5.6.51", "5.5.5", "5.1.73-community"})
    void mySqlBefore5_7_7IsRefusedSayingWhy(String version) {
        assertThat(MySqlServerVersion.refusal(version)).as(version).hasValueSatisfying(why -> assertThat(why)
                .startsWith("MySQL before 5.7.7 rolls a prepared XA branch back when the session that prepared it disconnects")
                .endsWith("use MySQL 5.7.7 or later"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MariaDB", "unknown", "v8"})
    void aVersionThatCannotBeReadIsRefusedNamingIt(String version) {
        assertThat(MySqlServerVersion.refusal(version)).as(version).hasValueSatisfying(why -> assertThat(why)
                .startsWith("Entente cannot read the server version '" + version + "'"));
    }
}
