package dev.entente.runtime.jdbc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The URL forms drivers report, down to the address shown in logs and the database of a MariaDB/MySQL
 * name. Names themselves come from the servers: {@link XaDialectContract}.
 */
class ResourceNamesTest {

    private static Connection connection(String url, String catalog) {
        DatabaseMetaData metaData = (DatabaseMetaData) Proxy.newProxyInstance(ResourceNamesTest.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> url);
        return (Connection) Proxy.newProxyInstance(ResourceNamesTest.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getName().equals("getMetaData") ? metaData : catalog);
    }

    private static String address(int defaultPort, String url) {
        return ResourceNames.address("test", defaultPort, connection(url, null));
    }

    @Test
    void theAddressDropsCredentialsAndParameters() {
        assertThat(address(3306, "jdbc:mysql://Db.Example:3307/stock?user=root&password=secret")).isEqualTo("db.example:3307");
        assertThat(address(3306, "jdbc:mysql://root:secret@db:3307/stock")).isEqualTo("db:3307");
    }

    @Test
    void theAddressFillsInTheDefaultPortTheDriverLeftOut() {
        assertThat(address(3306, "jdbc:mariadb://127.0.0.1/stock?user=root")).isEqualTo("127.0.0.1:3306");
        assertThat(address(5432, "jdbc:postgresql://[::1]/orders")).isEqualTo("[::1]:5432");
    }

    @Test
    void theAddressListsEveryHostOfAMultiHostUrl() {
        assertThat(address(5432, "jdbc:postgresql://a:5433,b/orders?targetServerType=primary")).isEqualTo("a:5433,b:5432");
        assertThat(address(3306, "jdbc:mariadb:replication://address=(host=a)(port=3310)(type=primary),"
                + "address=(host=b)(type=replica)/stock")).isEqualTo("a:3310,b:3306");
    }

    @Test
    void anUnreadableUrlHasAnUnknownAddress() {
        assertThat(address(3306, null)).isEqualTo("unknown");
    }

    @Test
    void theDatabaseIsTheUrlsThenTheCatalog() throws SQLException {
        assertThat(ResourceNames.urlDatabase("mariadb", connection("jdbc:mariadb://h:3306/stock?user=root", "other")))
                .isEqualTo("stock");
        assertThat(ResourceNames.urlDatabase("mariadb", connection("jdbc:mariadb://h:3306/?user=root", "stock")))
                .isEqualTo("stock");
        assertThat(ResourceNames.urlDatabase("mariadb", connection("jdbc:mariadb://h:3306?user=root", null))).isEmpty();
    }

    @Test
    void theDatabaseOfAnUnreadableUrlIsAnErrorNamingTheConnection() {
        assertThatThrownBy(() -> ResourceNames.urlDatabase("mysql", connection(null, null))).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("mysql: cannot read the URL of a ").hasMessageEndingWith("it is unknown");
    }
}
