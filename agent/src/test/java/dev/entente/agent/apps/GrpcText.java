package dev.entente.agent.apps;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one gRPC method the test services speak: {@code entente.test.Http/Post}, unary, a request and an
 * answer in plain text (no protobuf): the request is an HTTP path and query, the answer its body.
 */
final class GrpcText {

    static final String SERVICE = "entente.test.Http";

    static final MethodDescriptor<String, String> POST = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Post"))
            .setRequestMarshaller(new Text()).setResponseMarshaller(new Text()).build();

    private GrpcText() {
    }

    private static final class Text implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
