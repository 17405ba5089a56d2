package dev.entente.runtime.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaDialects;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import dev.entente.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How Entente reaches a database for phase 2 and recovery, against a real MariaDB server whose user has a
 * password: with the credentials of the application's latest connection, and past a kept connection the
 * server ended.
 */
class ResourceAccessTest {

    private static final String USER = "entente_access";
    private static String admin;
    private static String withoutCredentials;

    @BeforeAll
    static void user() throws SQLException {
        admin = TestDatabases.mariadb().createDatabase("resource_access");
        withoutCredentials = admin.replaceFirst("\\?.*$", "");
        execute("DROP USER IF EXISTS '" + USER + "'@'%'");
        execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY 'first-password'");
        execute("GRANT ALL ON resource_access.* TO '" + USER + "'@'%'");
    }

    @AfterAll
    static void dropUser() throws SQLException {
        execute("DROP USER IF EXISTS '" + USER + "'@'%'");
    }

    @Test
    void afterARotationTheNextConnectionsUseTheApplicationsNewPassword() throws Exception {
        ResourceAccess access = access(recipe("first-password"));
        assertThat(currentUser(access)).startsWith(USER + "@");

        execute("ALTER USER '" + USER + "'@'%' IDENTIFIED BY 'second-password'");
        endSessionsOf(USER); // the kept connection too: the next one must be opened again
        try {
            assertThatThrownBy(() -> currentUser(access)).as("the old password opens nothing any more")
                    .hasMessageContaining("Access denied");

            access.openNextWith(recipe("second-password")); // the application's pool opened a connection with the new one
            assertThat(currentUser(access)).startsWith(USER + "@");
        } finally {
            execute("ALTER USER '" + USER + "'@'%' IDENTIFIED BY 'first-password'");
        }
    }

    @Test
    void workOnAKeptConnectionTheServerEndedRunsAgainOnANewOne() throws Exception {
        ResourceAccess access = access(recipe("first-password"));
        long first = sessionId(access);
        execute("KILL CONNECTION " + first);

        long second = sessionId(access);

        assertThat(second).isNotEqualTo(first);
        assertThat(sessionId(access)).as("the new one is kept").isEqualTo(second);
    }

    @Test
    void mariaDbsOwnConfigurationOpensConnectionsAsItsDataSourceDoes() throws Exception {
        Class<?> configurationClass = Class.forName("org.mariadb.jdbc.Configuration");
        Object configuration = configurationClass.getMethod("parse", String.class)
                .invoke(null, withoutCredentials + "?user=" + USER + "&password=first-password");
        ConnectionRecipe recipe = ConnectionRecipe.ThroughFactory.of(Class.forName("org.mariadb.jdbc.Driver"), configuration);

        assertThat(currentUser(access(recipe))).startsWith(USER + "@");
        assertThat(recipe.toString()).doesNotContain("first-password");
    }

    private static ResourceAccess access(ConnectionRecipe recipe) throws SQLException {
        XaDialect dialect;
        try (Connection connection = recipe.open()) {
            dialect = XaDialects.forConnection(connection).orElseThrow();
        }
        return new ResourceAccess("mariadb://test/resource_access", dialect, XaResourceWrapper.NONE, recipe);
    }

    private static ConnectionRecipe recipe(String password) throws SQLException {
        Driver driver = DriverManager.getDriver(withoutCredentials);
        Properties info = new Properties();
        info.setProperty("user", USER);
        info.setProperty("password", password);
        return new ConnectionRecipe.ThroughDriver(driver, withoutCredentials, info);
    }

    private static String currentUser(ResourceAccess access) throws Exception {
        return access.withConnection((xa, connection) -> single(connection, "select current_user()"));
    }

    private static long sessionId(ResourceAccess access) throws Exception {
        return Long.parseLong(access.withConnection((xa, connection) -> single(connection, "select connection_id()")));
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static void endSessionsOf(String user) throws SQLException {
        try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id from information_schema.processlist where user = '" + user + "'")) {
            while (rows.next()) {
                try (Statement kill = connection.createStatement()) {
                    kill.execute("KILL CONNECTION " + rows.getLong(1));
                }
            }
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
