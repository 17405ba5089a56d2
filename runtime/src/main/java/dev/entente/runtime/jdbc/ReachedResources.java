package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.Hooks;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases this service reached, each by its resource name (the database's own identity), with
 * how to reach it again for phase 2 and recovery ({@link ResourceAccess}: as the application's latest
 * connection to it was opened); and the resource name of
 * each physical connection, asked of its database once.
 */
final class ReachedResources {

    private static final Logger LOG = LoggerFactory.getLogger(ReachedResources.class);

    private final XaResourceWrapper xaWrapper;
    private final Consumer<String> newResource;
    private final Map<String, ResourceAccess> byName = new ConcurrentHashMap<>();
    /** Resource names of physical connections, by identity (drivers do not override equals). */
    private final Map<Connection, String> names = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param xaWrapper   wraps the XA resources of the connections opened for phase 2 and recovery
     * @param newResource told the name of each database this service reaches for the first time
     */
    ReachedResources(XaResourceWrapper xaWrapper, Consumer<String> newResource) {
        this.xaWrapper = xaWrapper;
        this.newResource = newResource;
    }

    /**
     * The application opened {@code connection} {@code recipe}'s way: its database becomes known, if it
     * was not, and Entente's own connections to it are opened that way from now on (with the credentials
     * the application's pool uses now).
     */
    void learn(XaDialect dialect, Connection connection, ConnectionRecipe recipe) {
        String resource;
        try {
            resource = nameOf(dialect, connection);
        } catch (SQLException e) {
            LOG.warn("cannot name the database of a {} connection to {}: {}", connection.getClass().getName(),
                    dialect.address(connection), e.getMessage());
            return;
        }
        ResourceAccess known = byName.get(resource);
        if (known != null) {
            known.openNextWith(recipe);
            return;
        }
        ResourceAccess raced = byName.putIfAbsent(resource, new ResourceAccess(resource, dialect, xaWrapper, recipe));
        if (raced != null) {
            raced.openNextWith(recipe);
            return;
        }
        LOG.info("XA resource {} reached at {}", resource, dialect.address(connection));
        newResource.accept(resource);
    }

    /**
     * The connection's resource name, asked of the database once per physical connection (one query),
     * never cached by URL: after a failover the same URL reaches another server, whose branches must
     * carry its own name.
     */
    String nameOf(XaDialect dialect, Connection physical) throws SQLException {
        String known = names.get(physical);
        if (known != null) {
            return known;
        }
        boolean wasInternal = Hooks.isInternal();
        Hooks.internal(true);
        try {
            String name = dialect.resourceName(physical);
            names.put(physical, name);
            return name;
        } finally {
            Hooks.internal(wasInternal);
        }
    }

    /** How to reach {@code resource}, or null if this service has not reached it. */
    ResourceAccess access(String resource) {
        return byName.get(resource);
    }

    Collection<ResourceAccess> all() {
        return byName.values();
    }

    void close() {
        byName.values().forEach(ResourceAccess::close);
    }
}
