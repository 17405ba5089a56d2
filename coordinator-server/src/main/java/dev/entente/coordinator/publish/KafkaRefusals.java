package dev.entente.coordinator.publish;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells which failures of a Kafka send mean that Kafka will never take the message, as opposed to
 * Kafka being away or busy (a broker down, a partition leader moving, a timeout), which the
 * {@link PublishDriver} retries in decision order for as long as it lasts.
 * <ul>
 * <li><b>A record refused</b>: too large for its topic ({@code RecordTooLargeException},
 * {@code RecordBatchTooLargeException}) or invalid for it ({@code InvalidRecordException}, e.g. no key
 * on a compacted topic). Kafka fails every record of the same Kafka transaction still unsent with
 * that same exception, so such a failure in a batch only says that the batch holds a refused record;
 * only a record sent alone and awaited is known to be the one.</li>
 * <li><b>A topic refused</b>, whatever the record: not authorized ({@code TopicAuthorizationException}
 * names the topics), an invalid name ({@code InvalidTopicException} names them), or unknown: the
 * producer found no metadata for it and Kafka's admin API says it does not exist, continuously for
 * {@link #UNKNOWN_TOPIC_PATIENCE} (a topic being re-created, or just created and not yet known to
 * every broker, is waited for).</li>
 * </ul>
 * Used by the publish thread only.
 */
final class KafkaRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRefusals.class);
    /** How long Kafka must have said that a topic does not exist before its messages count as refused. */
    static final Duration UNKNOWN_TOPIC_PATIENCE = Duration.ofSeconds(30);

    private final KafkaCluster cluster;
    private final Duration timeout;
    private final Map<String, Long> unknownSince = new HashMap<>();

    KafkaRefusals(KafkaCluster cluster, Duration timeout) {
        this.cluster = cluster;
        this.timeout = timeout;
    }

    /** Why Kafka refuses a record for good, if {@code failure} (or its cause) is a refusal of a record. */
    static Optional<String> ofRecord(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidRecordException) {
                return Optional.of(describe(t));
            }
        }
        return Optional.empty();
    }

    /** A record that failed: its topic, and why. */
    record FailedSend(String topic, Throwable failure) {
    }

    /**
     * The topics of {@code failed} that Kafka refuses for good, each with the reason. Kafka's
     * authorization and topic-name errors name their topics, so a record failed only because another
     * one was refused is not taken for refused; topics whose records found no metadata are asked about.
     */
    Map<String, String> ofTopics(Collection<FailedSend> failed) {
        Set<String> topics = new TreeSet<>();
        failed.forEach(send -> topics.add(send.topic()));
        Map<String, String> refused = new LinkedHashMap<>();
        Set<String> maybeUnknown = new TreeSet<>();
        for (FailedSend send : failed) {
            for (Throwable t = send.failure(); t != null; t = t.getCause()) {
                Set<String> named = t instanceof TopicAuthorizationException denied ? denied.unauthorizedTopics()
                        : t instanceof InvalidTopicException invalid ? invalid.invalidTopics() : Set.of();
                for (String topic : named) {
                    if (topics.contains(topic)) {
                        refused.putIfAbsent(topic, describe(t));
                    }
                }
                if (t instanceof TimeoutException || t instanceof UnknownTopicOrPartitionException) {
                    maybeUnknown.add(send.topic());
                }
            }
        }
        maybeUnknown.removeAll(refused.keySet());
        if (!maybeUnknown.isEmpty()) {
            refused.putAll(unknown(maybeUnknown));
        }
        return refused;
    }

    /** Those of {@code topics} that Kafka has said do not exist for longer than the patience. */
    private Map<String, String> unknown(Collection<String> topics) {
        Map<String, String> refused = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        try (Admin admin = Admin.create(adminProperties())) {
            var answers = admin.describeTopics(topics).topicNameValues();
            for (String topic : topics) {
                try {
                    answers.get(topic).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    unknownSince.remove(topic);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        long since = unknownSince.computeIfAbsent(topic, t -> now);
                        if (now - since >= UNKNOWN_TOPIC_PATIENCE.toMillis()) {
                            refused.put(topic, "topic '" + topic + "' does not exist on Kafka " + cluster + " (for "
                                    + (now - since) / 1000 + " s)");
                        } else {
                            LOG.warn("topic '{}' does not exist on Kafka {}: its messages wait up to {} s for it, "
                                    + "then are set aside", topic, cluster, UNKNOWN_TOPIC_PATIENCE.toSeconds());
                        }
                    }
                }
            }
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.debug("could not ask Kafka {} whether topics {} exist: {}", cluster, topics, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return refused;
    }

    private java.util.Properties adminProperties() {
        java.util.Properties properties = cluster.clientProperties();
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "entente-coordinator-refusals");
        return properties;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
