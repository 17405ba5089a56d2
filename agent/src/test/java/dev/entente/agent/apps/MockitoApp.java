package dev.entente.agent.apps;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What an application's unit tests do with Mockito: mock one of its classes, an interface of the JDK and a
 * JDBC {@code Connection} (Mockito 5's inline mock maker redefines the mocked classes with its own Byte
 * Buddy agent), and call the mocks. Prints what the mocks answered, then "done".
 */
public final class MockitoApp {

    /** An application class to mock. */
    public static class PriceList {
        public int price(String item) {
            return 100;
        }
    }

    private MockitoApp() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws SQLException {
        PriceList prices = mock(PriceList.class);
        when(prices.price("tea")).thenReturn(7);
        List<String> names = mock(List.class);
        when(names.get(0)).thenReturn("first");
        Connection connection = mock(Connection.class);
        when(connection.getAutoCommit()).thenReturn(true);
        connection.commit();
        System.out.println("mocked: " + prices.price("tea") + " " + names.get(0) + " " + connection.getAutoCommit());
        System.out.println("done");
    }
}
