package dev.entente.samples.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A parameterised update, the one JDBC chore the services share. */
public final class Sql {

    private Sql() {
    }

    public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }
}
