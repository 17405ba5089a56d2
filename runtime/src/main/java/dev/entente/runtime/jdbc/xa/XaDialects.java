package dev.entente.runtime.jdbc.xa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the {@link XaDialect} for a physical connection by the driver types its class implements,
 * compared by name so no driver class is loaded. The choice is remembered per connection class.
 * A pool's or framework's wrapper is not recognised: pass the innermost physical connection.
 */
public final class XaDialects {

    private static final PostgresXaDialect POSTGRES = new PostgresXaDialect();
    private static final MariaDbXaDialect MARIADB = new MariaDbXaDialect();
    private static final MySqlXaDialect MYSQL = new MySqlXaDialect();

    private static final Map<String, XaDialect> BY_DRIVER_TYPE = Map.of(
            PostgresXaDialect.CONNECTION_TYPE, POSTGRES,
            MariaDbXaDialect.CONNECTION_TYPE, MARIADB,
            MySqlXaDialect.CONNECTION_TYPE, MYSQL);

    private static final ClassValue<Optional<XaDialect>> CHOSEN = new ClassValue<>() {
        @Override
        protected Optional<XaDialect> computeValue(Class<?> connectionClass) {
            return choose(connectionClass);
        }
    };

    /** The supported drivers' connection types that the class loaders of a wrapper class see. */
    private static final ClassValue<List<Class<?>>> DRIVER_TYPES_SEEN = new ClassValue<>() {
        @Override
        protected List<Class<?>> computeValue(Class<?> wrapperClass) {
            List<Class<?>> types = new ArrayList<>();
            for (String name : BY_DRIVER_TYPE.keySet()) {
                for (ClassLoader loader : Arrays.asList(wrapperClass.getClassLoader(),
                        Thread.currentThread().getContextClassLoader())) {
                    try {
                        types.add(Class.forName(name, false, loader));
                        break;
                    } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                        // not this driver, or not through this loader
                    }
                }
            }
            return List.copyOf(types);
        }
    };

    private XaDialects() {
    }

    /** The dialect of {@code physical}'s driver; empty for a driver Entente does not support, or a wrapper. */
    public static Optional<XaDialect> forConnection(Connection physical) {
        return CHOSEN.get(physical.getClass());
    }

    /**
     * The physical connection of a supported driver under {@code wrapper}, asked for by the driver's own
     * connection type ({@code isWrapperFor}, {@code unwrap}): for wrappers whose {@code unwrap(Connection.class)}
     * answers themselves (Commons DBCP2's). The types are looked up once per wrapper class, through its
     * class loader and the thread's context class loader.
     */
    public static Optional<Connection> unwrapToDriver(Connection wrapper) {
        for (Class<?> type : DRIVER_TYPES_SEEN.get(wrapper.getClass())) {
            try {
                if (wrapper.isWrapperFor(type) && wrapper.unwrap(type) instanceof Connection physical
                        && forConnection(physical).isPresent()) {
                    return Optional.of(physical);
                }
            } catch (SQLException | RuntimeException e) {
                // not a wrapper of this driver's connections after all
            }
        }
        return Optional.empty();
    }

    /** Every supported dialect. */
    public static List<XaDialect> all() {
        return List.of(POSTGRES, MARIADB, MYSQL);
    }

    private static Optional<XaDialect> choose(Class<?> connectionClass) {
        Deque<Class<?>> pending = new ArrayDeque<>(List.of(connectionClass));
        Set<Class<?>> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            Class<?> type = pending.poll();
            if (!seen.add(type)) {
                continue;
            }
            XaDialect dialect = BY_DRIVER_TYPE.get(type.getName());
            if (dialect != null) {
                return Optional.of(dialect);
            }
            if (type.getSuperclass() != null) {
                pending.add(type.getSuperclass());
            }
            pending.addAll(List.of(type.getInterfaces()));
        }
        return Optional.empty();
    }
}
