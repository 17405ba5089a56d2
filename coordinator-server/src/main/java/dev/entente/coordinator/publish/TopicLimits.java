package dev.entente.coordinator.publish;

import dev.entente.coordinator.txn.Rejection;
import dev.entente.protocol.OutgoingMessage;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a message before its transaction is decided: its topic must exist and the message must fit
 * the topic's {@code max.message.bytes}, so that a commit never carries a message the broker would
 * refuse forever. Answers are cached for a minute. When Kafka does not answer, the message is let
 * through: publishing then retries until Kafka is back, and a refusal is logged and counted.
 */
public final class TopicLimits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);
    private static final long CACHE_MILLIS = 60_000;
    private static final long ASK_MILLIS = 3_000;
    /** A record batch's header and one record's framing, beyond key, value and headers. */
    private static final int RECORD_OVERHEAD_BYTES = 100;

    private record Limit(boolean exists, int maxMessageBytes, long askedAtMillis) {
    }

    private final KafkaCluster cluster;
    private final Map<String, Limit> limits = new ConcurrentHashMap<>();
    private Admin admin;

    public TopicLimits(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    /** Throws a {@link Rejection} naming the transaction and topic if the message cannot be published. */
    public void check(String xid, OutgoingMessage message) {
        String topic = message.getTopic();
        int recordBytes = message.getKey().size() + message.getValue().size() + xid.length()
                + message.getMessageId().length() + RECORD_OVERHEAD_BYTES;
        Limit limit = limit(topic);
        if (limit == null) {
            return;
        }
        if (!limit.exists()) {
            throw Rejection.invalid("Publish " + xid + ": topic '" + topic + "' does not exist on Kafka " + cluster
                    + " (create it first)");
        }
        if (recordBytes > limit.maxMessageBytes()) {
            throw Rejection.invalid("Publish " + xid + ": a message of " + recordBytes + " bytes for topic '" + topic
                    + "' exceeds its max.message.bytes (" + limit.maxMessageBytes() + ") on Kafka " + cluster
                    + "; the transaction cannot commit it");
        }
    }

    private Limit limit(String topic) {
        long now = System.currentTimeMillis();
        Limit cached = limits.get(topic);
        if (cached != null && now - cached.askedAtMillis() < CACHE_MILLIS) {
            return cached;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin().describeConfigs(List.of(resource)).all().get(ASK_MILLIS, TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            Limit limit = new Limit(true, Integer.parseInt(entry.value()), now);
            limits.put(topic, limit);
            return limit;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                Limit missing = new Limit(false, 0, now);
                limits.put(topic, missing);
                return missing;
            }
            LOG.warn("could not read topic '{}' settings from Kafka {}: {}; publishing without the size check",
                    topic, cluster, e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warn("Kafka {} did not answer within {} ms about topic '{}'; publishing without the size check",
                    cluster, ASK_MILLIS, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cached;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties properties = cluster.clientProperties();
            properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ASK_MILLIS);
            properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ASK_MILLIS);
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "entente-coordinator-limits");
            admin = Admin.create(properties);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
