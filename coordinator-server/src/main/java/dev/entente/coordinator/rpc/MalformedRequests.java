package dev.entente.coordinator.rpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes every request of a service itself, so that bytes which are not a valid message get
 * {@code INVALID_ARGUMENT} naming the method, instead of gRPC's generic {@code UNKNOWN} "Application
 * error" (which would hide them among real faults of the coordinator). The size limit still applies
 * before decoding: the transport refuses a message over {@code maxInboundMessageSize} unread.
 */
public final class MalformedRequests {

    /** Messages as their bytes, undecoded. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new Bytes();

    private MalformedRequests() {
    }

    public static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        service.getMethods().forEach(method -> guarded.addMethod(guard(method)));
        return guarded.build();
    }

    private static <Q, R> ServerMethodDefinition<byte[], R> guard(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
        MethodDescriptor<byte[], R> raw = method.toBuilder(BYTES, method.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(raw, (call, headers) -> {
            TypedCall<Q, R> typed = new TypedCall<>(call, method);
            return new DecodingListener<>(handler.startCall(typed, headers), typed);
        });
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("cannot read a request: " + e.getMessage()).asRuntimeException();
            }
        }
    }

    /** Decodes each message; the first one that does not decode closes the call. */
    private static final class DecodingListener<Q, R> extends ServerCall.Listener<byte[]> {
        private final ServerCall.Listener<Q> delegate;
        private final TypedCall<Q, R> call;
        private boolean refused;

        DecodingListener(ServerCall.Listener<Q> delegate, TypedCall<Q, R> call) {
            this.delegate = delegate;
            this.call = call;
        }

        @Override
        public void onMessage(byte[] message) {
            if (refused) {
                return;
            }
            Q request;
            try {
                request = call.method.parseRequest(new ByteArrayInputStream(message));
            } catch (RuntimeException e) {
                refused = true;
                call.close(Status.INVALID_ARGUMENT.withDescription("malformed " + call.method.getBareMethodName()
                        + " request (" + message.length + " bytes): not a valid "
                        + call.method.getFullMethodName() + " message"), new Metadata());
                return;
            }
            delegate.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            delegate.onCancel();
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }

        @Override
        public void onReady() {
            if (!refused) {
                delegate.onReady();
            }
        }
    }

    /** The call as the service sees it: typed requests; everything else passes through. */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<byte[], R> call;
        final MethodDescriptor<Q, R> method;
        private boolean closed;

        TypedCall(ServerCall<byte[], R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) { // a call refused as malformed may still be closed by the service
                closed = true;
                call.close(status, trailers);
            }
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
