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

    @Test
    void everyDialectHasItsOwnVendorName() {
        assertThat(XaDialects.all()).extracting(XaDialect::vendor).containsExactly("postgresql", "mariadb", "mysql");
    }
}
