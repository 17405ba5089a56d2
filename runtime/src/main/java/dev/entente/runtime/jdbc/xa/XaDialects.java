package dev.entente.runtime.jdbc.xa;

import java.sql.Connection;
import java.util.ArrayDeque;
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

    private XaDialects() {
    }

    /** The dialect of {@code physical}'s driver; empty for a driver Entente does not support, or a wrapper. */
    public static Optional<XaDialect> forConnection(Connection physical) {
        return CHOSEN.get(physical.getClass());
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
