package dev.entente.runtime.jdbc.xa;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.XAConnection;

/**
 * A driver's XAConnection constructor that takes the driver's own connection, looked up through the
 * class loader of the physical connection's class (an application may carry several copies of a
 * driver) and remembered per class. Any trailing arguments are constants (e.g. "log XA commands").
 */
final class XaConnectionConstructor {

    private final String vendor;
    private final String xaConnectionClass;
    private final String connectionType;
    private final Class<?>[] constantTypes;
    private final Object[] constants;
    private final ClassValue<Lookup> lookups = new ClassValue<>() {
        @Override
        protected Lookup computeValue(Class<?> connectionClass) {
            return find(connectionClass);
        }
    };

    /** Either the constructor or why there is none. */
    private record Lookup(Constructor<?> constructor, String failure) {
    }

    /**
     * @param connectionType the constructor's first parameter type, which the physical connection implements
     * @param constantTypes  types of the remaining parameters, given {@code constants} on every call
     */
    XaConnectionConstructor(String vendor, String xaConnectionClass, String connectionType,
                            Class<?>[] constantTypes, Object... constants) {
        this.vendor = vendor;
        this.xaConnectionClass = xaConnectionClass;
        this.connectionType = connectionType;
        this.constantTypes = constantTypes.clone();
        this.constants = constants.clone();
    }

    XaConnectionConstructor(String vendor, String xaConnectionClass, String connectionType) {
        this(vendor, xaConnectionClass, connectionType, new Class<?>[0]);
    }

    /** A new XAConnection over {@code physical}; the caller must not close it (that would close {@code physical}). */
    XAConnection newXaConnection(Connection physical) throws SQLException {
        Lookup lookup = lookups.get(physical.getClass());
        if (lookup.constructor() == null) {
            throw new SQLException(lookup.failure());
        }
        Object[] arguments = Stream.concat(Stream.of(physical), Arrays.stream(constants)).toArray();
        try {
            return (XAConnection) lookup.constructor().newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new SQLException(vendor + ": new " + xaConnectionClass + "(" + physical.getClass().getName()
                    + ") failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new SQLException(vendor + ": cannot call " + signature() + " for " + physical.getClass().getName()
                    + ": " + e, e);
        }
    }

    private Lookup find(Class<?> connectionClass) {
        ClassLoader loader = connectionClass.getClassLoader();
        try {
            Class<?> parameter = Class.forName(connectionType, false, loader);
            if (!parameter.isAssignableFrom(connectionClass)) {
                return new Lookup(null, vendor + ": " + connectionClass.getName() + " is not a " + connectionType);
            }
            Class<?> xa = Class.forName(xaConnectionClass, false, loader);
            if (!XAConnection.class.isAssignableFrom(xa)) {
                return new Lookup(null, vendor + ": " + xaConnectionClass + " is not a javax.sql.XAConnection");
            }
            Class<?>[] parameters = Stream.concat(Stream.of(parameter), Arrays.stream(constantTypes)).toArray(Class<?>[]::new);
            return new Lookup(xa.getConstructor(parameters), null);
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return new Lookup(null, vendor + ": the driver of " + connectionClass.getName() + " has no public "
                    + signature() + " (" + e + "); this driver version is not supported for XA");
        }
    }

    private String signature() {
        return xaConnectionClass + "(" + Stream.concat(Stream.of(connectionType),
                Arrays.stream(constantTypes).map(Class::getName)).collect(Collectors.joining(", ")) + ")";
    }
}
