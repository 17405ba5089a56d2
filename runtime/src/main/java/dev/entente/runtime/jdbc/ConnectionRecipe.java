package dev.entente.runtime.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How the application's last physical connection to a database was opened, so that Entente opens its own
 * (phase 2, recovery) the same way, with the same credentials: a pool that is given a new password opens
 * its next connections with it, and from then on so does Entente ({@link ResourceAccess}).
 */
sealed interface ConnectionRecipe {

    Connection open() throws SQLException;

    /** {@code driver.connect(url, info)}: how DriverManager, most pools and the drivers' own DataSources open connections. */
    record ThroughDriver(Driver driver, String url, Properties info) implements ConnectionRecipe {

        public ThroughDriver {
            Properties copy = new Properties();
            if (info != null) {
                copy.putAll(info);
            }
            info = copy;
        }

        @Override
        public Connection open() throws SQLException {
            Connection connection = driver.connect(url, info);
            if (connection == null) {
                throw new SQLException("driver " + driver.getClass().getName() + " refused the URL it connected with before");
            }
            return connection;
        }

        /** Never the properties or the URL's parameters: they hold the password. */
        @Override
        public String toString() {
            return driver.getClass().getName() + ".connect(" + url.replaceFirst("[?;].*$", "") + ", ...)";
        }
    }

    /**
     * A driver's static factory given the driver's own configuration object: MariaDB Connector/J 3's
     * {@code org.mariadb.jdbc.Driver.connect(Configuration)}, which its {@code MariaDbDataSource} and
     * {@code MariaDbPoolDataSource} call instead of {@code Driver.connect}.
     */
    record ThroughFactory(Method factory, Object configuration) implements ConnectionRecipe {

        /** The public static {@code connect} of {@code factoryClass} that takes {@code configuration}. */
        static ThroughFactory of(Class<?> factoryClass, Object configuration) throws NoSuchMethodException {
            for (Method method : factoryClass.getMethods()) {
                if (method.getName().equals("connect") && Modifier.isStatic(method.getModifiers())
                        && method.getParameterCount() == 1 && method.getParameterTypes()[0].isInstance(configuration)
                        && Connection.class.isAssignableFrom(method.getReturnType())) {
                    return new ThroughFactory(method, configuration);
                }
            }
            throw new NoSuchMethodException(factoryClass.getName() + ".connect(" + configuration.getClass().getName() + ")");
        }

        @Override
        public Connection open() throws SQLException {
            try {
                return (Connection) factory.invoke(null, configuration);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException failure) {
                    throw failure;
                }
                throw new SQLException(factory + " failed: " + e.getCause(), e.getCause());
            } catch (IllegalAccessException | RuntimeException e) {
                throw new SQLException("cannot call " + factory + ": " + e, e);
            }
        }

        /** Never the configuration: it holds the password. */
        @Override
        public String toString() {
            return factory.getDeclaringClass().getName() + ".connect(" + factory.getParameterTypes()[0].getSimpleName() + ")";
        }
    }
}
