package dev.entente.runtime.jdbc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The URL forms drivers report, down to one name per database. Real connections: {@link XaDialectContract}. */
class ResourceNamesTest {

    private static String name(String vendor, int defaultPort, String url, String catalog, String database)
            throws SQLException {
        DatabaseMetaData metaData = (DatabaseMetaData) Proxy.newProxyInstance(ResourceNamesTest.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> url);
        Connection connection = (Connection) Proxy.newProxyInstance(ResourceNamesTest.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getName().equals("getMetaData") ? metaData : catalog);
        return ResourceNames.of(vendor, defaultPort, connection, database);
    }

    @Test
    void dropsCredentialsAndParameters() throws SQLException {
        assertThat(name("mysql", 3306, "jdbc:mysql://Db.Example:3307/stock?user=root&password=secret", null, null))
                .isEqualTo("mysql://db.example:3307/stock");
        assertThat(name("mysql", 3306, "jdbc:mysql://root:secret@db:3307/stock", null, null))
                .isEqualTo("mysql://db:3307/stock");
    }

    @Test
    void fillsInTheDefaultPortTheDriverLeftOut() throws SQLException {
        assertThat(name("mariadb", 3306, "jdbc:mariadb://127.0.0.1/stock?user=root", null, null))
                .isEqualTo("mariadb://127.0.0.1:3306/stock");
        assertThat(name("postgresql", 5432, "jdbc:postgresql://[::1]/orders", "orders", "orders"))
                .isEqualTo("postgresql://[::1]:5432/orders");
    }

    @Test
    void namesEveryHostOfAMultiHostUrl() throws SQLException {
        assertThat(name("postgresql", 5432, "jdbc:postgresql://a:5433,b/orders?targetServerType=primary", "orders", "orders"))
                .isEqualTo("postgresql://a:5433,b:5432/orders");
        assertThat(name("mariadb", 3306, "jdbc:mariadb:replication://address=(host=a)(port=3310)(type=primary),"
                + "address=(host=b)(type=replica)/stock", null, null))
                .isEqualTo("mariadb://a:3310,b:3306/stock");
    }

    @Test
    void takesTheDatabaseGivenThenTheUrlsThenTheCatalog() throws SQLException {
        assertThat(name("postgresql", 5432, "jdbc:postgresql://h/?user=u", "u", "u")).isEqualTo("postgresql://h:5432/u");
        assertThat(name("mariadb", 3306, "jdbc:mariadb://h:3306/?user=root", "stock", null))
                .isEqualTo("mariadb://h:3306/stock");
        assertThat(name("mariadb", 3306, "jdbc:mariadb://h:3306?user=root", null, null)).isEqualTo("mariadb://h:3306/");
    }

    @Test
    void anUnreadableUrlIsAnErrorNamingTheConnection() {
        assertThatThrownBy(() -> name("mysql", 3306, null, null, null)).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("mysql: cannot name the database of a ").hasMessageEndingWith("its URL is unknown");
    }
}
