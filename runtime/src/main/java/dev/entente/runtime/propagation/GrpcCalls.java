package dev.entente.runtime.propagation;

import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.RpcHook;
import dev.entente.runtime.http.LibraryMethod;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC calls (grpc-java, at the application's version, reached by name) carry the global transaction
 * in their headers, {@code entente-xid} and {@code entente-token}, as carried context does ({@link
 * CarriedContexts}): a client call started under a transaction sends them; a server call that arrives
 * with them runs its handler inside that transaction, and when the handler returns the process's open
 * branches of it prepare (registered with the coordinator, which waits for their votes), or, if the
 * handler threw or closed the call with a status other than OK, the transaction is marked for rollback
 * and they roll back.
 */
public final class GrpcCalls implements RpcHook {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcCalls.class);

    /** The transaction a server call arrived with, and the failed status it was closed with, if any. */
    private static final class Arrived {
        final String xid;
        final String token;
        volatile String failure;

        Arrived(String xid, String token) {
            this.xid = xid;
            this.token = token;
        }
    }

    private record Handling(Object call, Arrived arrived, Object work) {
    }

    /** How one grpc-java's {@code Metadata} is read and written: its keys for the two headers and its methods. */
    private record MetadataAccess(Object xidKey, Object tokenKey, Method get, Method put, Method removeAll) {

        static MetadataAccess of(Class<?> metadata) {
            try {
                Class<?> keyType = Class.forName("io.grpc.Metadata$Key", false, metadata.getClassLoader());
                Class<?> marshallerType = Class.forName("io.grpc.Metadata$AsciiMarshaller", false, metadata.getClassLoader());
                Field ascii = metadata.getField("ASCII_STRING_MARSHALLER");
                Method of = keyType.getMethod("of", String.class, marshallerType);
                Object marshaller = ascii.get(null);
                return new MetadataAccess(of.invoke(null, HttpHook.XID_HEADER, marshaller),
                        of.invoke(null, HttpHook.TOKEN_HEADER, marshaller), metadata.getMethod("get", keyType),
                        metadata.getMethod("put", keyType, Object.class), metadata.getMethod("removeAll", keyType));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn("gRPC calls do not carry global transactions: {}'s API is not the one expected ({})",
                        metadata.getName(), e.toString());
                return null;
            }
        }

        String get(Object headers, Object key) throws ReflectiveOperationException {
            return (String) get.invoke(headers, key);
        }

        void set(Object headers, Object key, String value) throws ReflectiveOperationException {
            removeAll.invoke(headers, key);
            put.invoke(headers, key, value);
        }
    }

    private static final ClassValue<MetadataAccess> ACCESS = new ClassValue<>() {
        @Override
        protected MetadataAccess computeValue(Class<?> type) {
            return type.getName().equals("io.grpc.Metadata") ? MetadataAccess.of(type) : null;
        }
    };

    private static final LibraryMethod STATUS_IS_OK = new LibraryMethod("isOk", new Class<?>[0], "io.grpc.Status");

    private final CarriedContexts carried;
    private final Map<Object, Arrived> arrivedCalls = Collections.synchronizedMap(new WeakHashMap<>());

    public GrpcCalls(CarriedContexts carried) {
        this.carried = carried;
    }

    /** The XID {@code headers} (a grpc-java {@code Metadata}) carry, or null. */
    public static String xidOf(Object headers) {
        MetadataAccess access = headers == null ? null : ACCESS.get(headers.getClass());
        try {
            return access == null ? null : access.get(headers, access.xidKey());
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    @Override
    public void callStarting(Object headers, String xid) {
        MetadataAccess access = headers == null ? null : ACCESS.get(headers.getClass());
        if (access == null) {
            return;
        }
        String token = carried.leaving(xid);
        try {
            access.set(headers, access.xidKey(), xid);
            if (token != null && !token.isEmpty()) {
                access.set(headers, access.tokenKey(), token);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot put global transaction " + xid + " on a gRPC call's headers", e);
        }
    }

    @Override
    public void callArrived(Object call, Object headers) {
        MetadataAccess access = headers == null ? null : ACCESS.get(headers.getClass());
        if (access == null) {
            return;
        }
        try {
            String xid = access.get(headers, access.xidKey());
            if (xid != null && !xid.isEmpty()) {
                arrivedCalls.put(call, new Arrived(xid, access.get(headers, access.tokenKey())));
            }
        } catch (ReflectiveOperationException e) {
            LOG.warn("cannot read the {} header of a gRPC call: it runs outside any global transaction ({})",
                    HttpHook.XID_HEADER, e.toString());
        }
    }

    @Override
    public void callClosing(Object call, Object status) {
        Arrived arrived = arrivedCalls.get(call);
        if (arrived != null && Boolean.FALSE.equals(STATUS_IS_OK.invoke(status))) {
            arrived.failure = status.toString();
        }
    }

    @Override
    public Object handlerStarted(Object call) {
        Arrived arrived = arrivedCalls.get(call);
        if (arrived == null) {
            return null;
        }
        try {
            return new Handling(call, arrived, carried.workStarted(arrived.xid, arrived.token));
        } catch (IllegalArgumentException malformed) {
            LOG.warn("ignoring the {} header of a gRPC call: {}", HttpHook.XID_HEADER, malformed.getMessage());
            arrivedCalls.remove(call);
            return null;
        }
    }

    @Override
    public void handlerEnded(Object scope, Throwable thrown) {
        if (!(scope instanceof Handling handling)) {
            return;
        }
        arrivedCalls.remove(handling.call());
        String failure = handling.arrived().failure;
        Throwable failed = thrown != null || failure == null ? thrown
                : new IllegalStateException("the gRPC call under " + handling.arrived().xid + " was closed with " + failure);
        carried.workEnded(handling.work(), failed);
    }
}
