package dev.entente.runtime.propagation;

import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.MessagingHook;
import dev.entente.runtime.http.LibraryMethod;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka records the application sends with its own producer inside a global transaction carry the
 * transaction's XID in header {@code entente-xid}, as {@code @Publish}'s records do, so that a consumer
 * can tell which transaction sent them. They carry it only: the token stays in the process (a record
 * outlives its transaction and every reader of the topic sees it), and sending one is not a branch of
 * the transaction (it is sent at once, whatever the outcome; {@code @Publish} is what publishes if and
 * only if the transaction commits). The application's Kafka client is reached by name, at its own version.
 */
public final class SentRecords implements MessagingHook {

    private static final Logger LOG = LoggerFactory.getLogger(SentRecords.class);

    private static final LibraryMethod HEADERS = new LibraryMethod("headers", new Class<?>[0],
            "org.apache.kafka.clients.producer.ProducerRecord");
    private static final LibraryMethod REMOVE = new LibraryMethod("remove", new Class<?>[] {String.class},
            "org.apache.kafka.common.header.Headers");
    private static final LibraryMethod ADD = new LibraryMethod("add", new Class<?>[] {String.class, byte[].class},
            "org.apache.kafka.common.header.Headers");

    private final AtomicBoolean readOnlyLogged = new AtomicBoolean();

    @Override
    public void recordSending(Object record, String xid) {
        Object headers = HEADERS.invoke(record);
        if (headers == null) {
            return;
        }
        try {
            REMOVE.invoke(headers, HttpHook.XID_HEADER);
            ADD.invoke(headers, HttpHook.XID_HEADER, xid.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalStateException readOnly) {
            // a record sent before: Kafka made its headers read-only, and it goes as it is
            if (readOnlyLogged.compareAndSet(false, true)) {
                LOG.info("a Kafka record sent again under global transaction {} keeps the headers of its first sending "
                        + "(Kafka made them read-only): {} (logged once)", xid, readOnly.getMessage());
            }
        }
    }
}
