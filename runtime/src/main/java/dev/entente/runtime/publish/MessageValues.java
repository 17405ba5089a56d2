package dev.entente.runtime.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Makes a record's value from a {@code @Publish} method's result: JSON by Jackson, or the bytes the
 * application's own {@code MessageSerializer} makes (the application's class, called by reflection
 * since the api it implements is the application's copy).
 */
public abstract class MessageValues {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public abstract byte[] serialize(String topic, Object value) throws Exception;

    public static MessageValues json() {
        return new MessageValues() {
            @Override
            public byte[] serialize(String topic, Object value) throws Exception {
                return JSON.writeValueAsBytes(value);
            }
        };
    }

    /** The application's serializer class {@code type}, which implements its {@code dev.entente.api.MessageSerializer}. */
    public static MessageValues of(Class<?> type, String method) {
        Object serializer;
        Method serialize;
        try {
            serializer = type.getConstructor().newInstance();
            serialize = type.getMethod("serialize", String.class, Object.class);
            serialize.trySetAccessible();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(method + ": @Publish serializer " + type.getName()
                    + " needs a public no-argument constructor (" + e + ")", e);
        }
        return new MessageValues() {
            @Override
            public byte[] serialize(String topic, Object value) throws Exception {
                try {
                    return (byte[]) serialize.invoke(serializer, topic, value);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        };
    }
}
