package dev.entente.runtime.jdbc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.testkit.TestDatabases;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class XaDialectsTest {

    @Test
    void aWrapperOrUnknownDriverGetsNoDialect() {
        Connection wrapper = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> null);

        assertThat(XaDialects.forConnection(wrapper)).isEmpty();
    }

    @Test
    void aDialectGivenAnotherDriversConnectionFailsNamingBoth() throws SQLException {
        try (Connection mariadb = DriverManager.getConnection(TestDatabases.mariadb().jdbcUrl(""))) {
            XaDialect postgres = new PostgresXaDialect();

            assertThatThrownBy(() -> postgres.xaResource(mariadb)).isInstanceOf(SQLException.class)
                    .hasMessage("postgresql: org.mariadb.jdbc.Connection is not a org.postgresql.core.BaseConnection");
        }
    }

    /** The version each MySQL-protocol dialect is given decides; PostgreSQL keeps prepared transactions in any version. */
    @Test
    void mySqlProtocolDialectsRefuseServersThatLosePreparedBranchesAtDisconnect() {
        assertThat(new MariaDbXaDialect().refuseServer("10.4.34-MariaDB")).get().asString()
                .startsWith("MariaDB before 10.5.2 rolls a prepared XA branch back");
        assertThat(new MySqlXaDialect().refuseServer("5.5.5-10.4.34-MariaDB")).get().asString()
                .startsWith("MariaDB before 10.5.2 rolls a prepared XA branch back");
        assertThat(new MySqlXaDialect().refuseServer("5.7.6")).get().asString()
                .startsWith("MySQL before 5.7.7 rolls a prepared XA branch back");
        assertThat(new MariaDbXaDialect().refuseServer("10.5.2-MariaDB")).isEmpty();
        assertThat(new MySqlXaDialect().refuseServer("8.0.36")).isEmpty();
        assertThat(new PostgresXaDialect().refuseServer("9.6.24")).isEmpty();
    }

    @Test
    void everyDialectHasItsOwnVendorName() {
        assertThat(XaDialects.all()).extracting(XaDialect::vendor).containsExactly("postgresql", "mariadb", "mysql");
    }
}
