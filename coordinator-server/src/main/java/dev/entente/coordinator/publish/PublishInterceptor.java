package dev.entente.coordinator.publish;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An extension point: sees each Kafka record of a committed transaction's {@code @Publish} messages
 * before it is sent, and says what to send in its place: the record itself, the record with headers
 * added (tracing), or more records (a copy to an audit topic); or, for a test harness that injects
 * faults, a duplicate (the fault-injection suite's planted bug is one). The records returned are sent
 * in the same Kafka transaction, in order. Implementations are loaded only from the jars the
 * coordinator's {@code --extensions} option names (docs/coordinator.md), with
 * {@link java.util.ServiceLoader}, and each is logged at start-up.
 *
 * <p>{@code read_committed} consumers see exactly what is returned: an interceptor that drops or
 * repeats a record breaks "published once if and only if committed".
 */
public interface PublishInterceptor {

    /** Sends each record as it is. */
    PublishInterceptor NONE = List::of;

    /** The records to send for {@code record} (headers {@code entente-xid} and {@code entente-message-id} set). */
    List<ProducerRecord<byte[], byte[]>> toSend(ProducerRecord<byte[], byte[]> record);

    /** Applies {@code interceptors} in order, each to every record the previous ones returned. */
    static PublishInterceptor all(List<PublishInterceptor> interceptors) {
        PublishInterceptor all = NONE;
        for (PublishInterceptor next : interceptors) {
            PublishInterceptor inner = all;
            all = record -> inner.toSend(record).stream().flatMap(r -> next.toSend(r).stream()).toList();
        }
        return all;
    }
}
