package dev.entente.runtime.publish;

import com.google.protobuf.ByteString;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.protocol.config.SecurityProperties;
import dev.entente.runtime.tm.ApiExceptions;
import dev.entente.runtime.tm.Completion;
import dev.entente.runtime.tm.Participant;
import dev.entente.runtime.tm.TransactionManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages of {@code @Publish} methods. Inside a global transaction a message goes to the
 * coordinator, which keeps it in the transaction's decision record and publishes it after a commit
 * decision (never after a rollback). In the process that owns the transaction it waits here, as the
 * transaction's {@link Participant}, for that process's Commit, which carries it; a message Kafka
 * would refuse makes the commit a rollback naming it. In a participant service it goes at once
 * (Publish), and such a message fails the method and rolls the transaction back. Outside one, the
 * message is sent from here, after the method returned normally, by an idempotent producer.
 */
public final class PublishManager implements Participant, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublishManager.class);
    public static final String XID_HEADER = "entente-xid";
    public static final String MESSAGE_ID_HEADER = "entente-message-id";

    private final Optional<String> kafka;
    private final SecurityProperties kafkaSecurity;
    private final Supplier<CoordinatorClient> coordinator;
    private final Supplier<TransactionManager> transactions;
    private KafkaProducer<byte[], byte[]> producer;
    /** Messages of {@code @Publish} methods run here under transactions this process owns, by XID: their Commit carries them. */
    private final Map<String, MessagesForCommit> forCommit = new HashMap<>();

    private record MessagesForCommit(String kafka, List<OutgoingMessage> messages) {
    }

    /**
     * @param kafka        the application's Kafka cluster (bootstrap servers), if configured
     * @param kafkaSecurity TLS and SASL settings of the producer (the setting kafka-client-properties)
     * @param coordinator  gives the client, or throws IllegalStateException naming what is not configured
     * @param transactions told to roll back a transaction whose message was refused; says which it owns
     */
    public PublishManager(Optional<String> kafka, SecurityProperties kafkaSecurity, Supplier<CoordinatorClient> coordinator,
                          Supplier<TransactionManager> transactions) {
        this.kafka = kafka;
        this.kafkaSecurity = kafkaSecurity;
        this.coordinator = coordinator;
        this.transactions = transactions;
    }

    /**
     * A {@code @Publish} method returned {@code result}; returns the exception it must throw instead, or
     * null. A null result publishes nothing.
     */
    public RuntimeException returned(PublishDefinition definition, Object[] arguments, Object result, ClassLoader loader) {
        if (result == null) {
            return null;
        }
        String xid = TransactionContext.currentXid();
        OutgoingMessage message;
        try {
            message = message(definition, arguments, result);
        } catch (Exception e) {
            return refused(definition, xid, definition.method() + ": the message for topic '" + definition.topic()
                    + "' could not be made: " + e.getMessage(), e, loader);
        }
        if (kafka.isEmpty()) {
            return refused(definition, xid, definition.method() + " publishes to topic '" + definition.topic()
                    + "' but no Kafka cluster is configured (agent argument kafka=host:port, ENTENTE_KAFKA or -Dentente.kafka)",
                    null, loader);
        }
        if (xid == null) {
            send(message);
            return null;
        }
        if (keepForCommit(xid, kafka.get(), message)) {
            return null; // this process commits xid: its Commit carries the message, and the coordinator checks it then
        }
        try {
            coordinator.get().publish(xid, kafka.get(), List.of(message));
            return null;
        } catch (CoordinatorException | IllegalStateException e) {
            return refused(definition, xid, definition.method() + ": the message for topic '" + definition.topic()
                    + "' in global transaction " + xid + " was refused: " + e.getMessage(), e, loader);
        }
    }

    /**
     * Keeps {@code message} for the Commit of {@code xid}, if this process owns it and has not begun to
     * end it: published to {@code kafka} if and only if it commits, one round trip for all its messages.
     * False if {@code xid} is not (or no longer) this process's to commit.
     */
    private boolean keepForCommit(String xid, String kafka, OutgoingMessage message) {
        // against beforeCompletion: its owner stops owning xid before it takes the messages, so a message
        // is either taken by the Commit or refused here
        synchronized (forCommit) {
            if (!transactions.get().owns(xid)) {
                return false;
            }
            forCommit.computeIfAbsent(xid, x -> new MessagesForCommit(kafka, new ArrayList<>())).messages().add(message);
            return true;
        }
    }

    /** The owner ends the transaction: its messages ride its Commit, and are dropped if it rolls back. */
    @Override
    public void beforeCompletion(Completion completion) {
        MessagesForCommit messages;
        synchronized (forCommit) {
            messages = forCommit.remove(completion.xid());
        }
        if (messages != null && completion.commits()) {
            completion.carry(messages.kafka(), messages.messages());
        }
    }

    private RuntimeException refused(PublishDefinition definition, String xid, String why, Throwable cause, ClassLoader loader) {
        if (xid != null) {
            transactions.get().markRollbackOnly(xid, why);
        }
        return ApiExceptions.publishFailed(loader, definition.topic(), why, cause);
    }

    private static OutgoingMessage message(PublishDefinition definition, Object[] arguments, Object result) throws Exception {
        OutgoingMessage.Builder message = OutgoingMessage.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setTopic(definition.topic())
                .setValue(ByteString.copyFrom(definition.values().serialize(definition.topic(), result)));
        if (definition.key() != null) {
            message.setHasKey(true).setKey(ByteString.copyFromUtf8(definition.key().resolve(arguments, result)));
        }
        return message.build();
    }

    private void send(OutgoingMessage message) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(message.getTopic(),
                message.getHasKey() ? message.getKey().toByteArray() : null, message.getValue().toByteArray());
        record.headers().add(new RecordHeader(MESSAGE_ID_HEADER, message.getMessageId().getBytes(StandardCharsets.UTF_8)));
        producer().send(record, (metadata, failure) -> {
            if (failure != null) {
                LOG.error("message {} for topic '{}' was not published to Kafka {}: {}", message.getMessageId(),
                        message.getTopic(), kafka.get(), failure.toString());
            }
        });
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties properties = new Properties();
            properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.orElseThrow());
            properties.put(ProducerConfig.CLIENT_ID_CONFIG, "entente-publish");
            properties.put(ProducerConfig.ACKS_CONFIG, "all");
            properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            // with Kafka away, a send waits this long for metadata before it fails (and is logged)
            properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
            kafkaSecurity.addTo(properties);
            // kafka-clients loads the classes its settings name through the context class loader: on an
            // application thread that is the application's, which has no (or another) kafka-clients
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(KafkaProducer.class.getClassLoader());
            try {
                producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
