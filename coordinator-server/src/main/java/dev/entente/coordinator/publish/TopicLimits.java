package dev.entente.coordinator.publish;

import dev.entente.coordinator.txn.ClientLimits;
import dev.entente.coordinator.txn.Rejection;
import dev.entente.protocol.OutgoingMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a message before its transaction is decided: its topic must exist, or the broker must create
 * topics on first use ({@code auto.create.topics.enable}, Kafka's default), and the message must fit
 * the topic's {@code max.message.bytes} (for a topic still to be created, the broker's
 * {@code message.max.bytes}), so that a commit never carries a message the broker would refuse forever. Answers are cached for a minute. When Kafka does not answer, the message is let
 * through: publishing then retries until Kafka is back, and a refusal is logged and counted; that
 * no-answer is cached for {@value #NO_ANSWER_MILLIS} ms, so calls naming the topic meanwhile do not
 * wait again.
 *
 * <p>Topic names come from clients, so what they can make this hold is bounded: the cache keeps at
 * most {@link ClientLimits#cachedTopics()} topics (the least recently used goes first), and at most
 * {@link ClientLimits#topicLookups()} topics are looked up on Kafka at once (up to {@value #ASK_MILLIS}
 * ms each); a call naming a topic no lookup is under way for, that finds them all taken for
 * {@value #LOOKUP_WAIT_MILLIS} ms, is refused ({@link Rejection.Kind#LIMIT}), so topic names no one
 * uses cannot hold every gRPC thread. Calls naming a topic already being looked up wait for that
 * lookup: a burst of transactions publishing to one new topic costs one lookup and refuses none.
 */
public final class TopicLimits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);
    private static final long CACHE_MILLIS = 60_000;
    private static final long ASK_MILLIS = 3_000;
    private static final long NO_ANSWER_MILLIS = 5_000;
    private static final long LOOKUP_WAIT_MILLIS = 100;
    /** A record batch's header and one record's framing, beyond key, value and headers. */
    private static final int RECORD_OVERHEAD_BYTES = 100;

    /**
     * {@code answered}: Kafka said whether the topic exists, or will on first use (and its limit); if not,
     * the message goes unchecked.
     */
    private record Limit(boolean answered, boolean exists, int maxMessageBytes, long askedAtMillis) {
        long freshForMillis() {
            return answered ? CACHE_MILLIS : NO_ANSWER_MILLIS;
        }
    }

    private final KafkaCluster cluster;
    private final int maxCached;
    private final Map<String, Limit> limits;
    private final int maxLookups;
    private final Semaphore lookups;
    /** What the broker does with a topic that does not exist, as last asked (null: not yet). */
    private volatile BrokerDefaults brokerDefaults;
    /** The lookup under way for each topic being looked up: calls naming the same topic share it. */
    private final Map<String, CompletableFuture<Limit>> lookingUp = new ConcurrentHashMap<>();
    private Admin admin;

    public TopicLimits(KafkaCluster cluster, ClientLimits clientLimits) {
        this.cluster = cluster;
        this.maxCached = clientLimits.cachedTopics();
        this.limits = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Limit> eldest) {
                return size() > maxCached;
            }
        };
        this.maxLookups = clientLimits.topicLookups();
        this.lookups = new Semaphore(maxLookups);
    }

    /** Topics whose settings are cached now. */
    public int cachedTopics() {
        synchronized (limits) {
            return limits.size();
        }
    }

    /** Throws a {@link Rejection} naming the transaction and topic if the message cannot be published. */
    public void check(String xid, OutgoingMessage message) {
        String topic = message.getTopic();
        int recordBytes = message.getKey().size() + message.getValue().size() + xid.length()
                + message.getMessageId().length() + RECORD_OVERHEAD_BYTES;
        Limit limit = limit(xid, topic);
        if (limit == null || !limit.answered()) {
            return;
        }
        if (!limit.exists()) {
            throw Rejection.invalid("Publish " + xid + ": topic '" + topic + "' does not exist on Kafka " + cluster
                    + ", which does not create topics on first use (create it first)");
        }
        if (recordBytes > limit.maxMessageBytes()) {
            throw Rejection.invalid("Publish " + xid + ": a message of " + recordBytes + " bytes for topic '" + topic
                    + "' exceeds its max.message.bytes (" + limit.maxMessageBytes() + ") on Kafka " + cluster
                    + "; the transaction cannot commit it");
        }
    }

    private Limit limit(String xid, String topic) {
        long now = System.currentTimeMillis();
        Limit cached = cached(topic);
        if (cached != null && now - cached.askedAtMillis() < cached.freshForMillis()) {
            return cached;
        }
        CompletableFuture<Limit> lookup = new CompletableFuture<>();
        CompletableFuture<Limit> underWay = lookingUp.putIfAbsent(topic, lookup);
        if (underWay != null) {
            return awaitLookup(xid, topic, underWay, cached);
        }
        try {
            Limit answer = lookUp(xid, topic, now, cached);
            lookup.complete(answer);
            return answer;
        } catch (RuntimeException e) {
            lookup.completeExceptionally(e);
            throw e;
        } finally {
            lookingUp.remove(topic, lookup);
        }
    }

    private Limit lookUp(String xid, String topic, long now, Limit cached) {
        try {
            if (!lookups.tryAcquire(LOOKUP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw tooManyLookups(xid, topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cached;
        }
        try {
            return ask(topic, now);
        } finally {
            lookups.release();
        }
    }

    /** Another call's lookup of {@code topic} is under way: its answer is this call's too. */
    private Limit awaitLookup(String xid, String topic, CompletableFuture<Limit> lookup, Limit cached) {
        try {
            return lookup.get(ASK_MILLIS + LOOKUP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Rejection) {
                throw tooManyLookups(xid, topic);
            }
            return cached;
        } catch (TimeoutException e) {
            return cached;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cached;
        }
    }

    private Rejection tooManyLookups(String xid, String topic) {
        return Rejection.limit("Publish " + xid + ": topic '" + topic + "' is not in the coordinator's cache of "
                + "topic settings, and as many topics as may be looked up on Kafka at once already are; "
                + "retry shortly", maxLookups, "--max-topic-lookups");
    }

    private Limit ask(String topic, long now) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin().describeConfigs(List.of(resource)).all().get(ASK_MILLIS, TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return cache(topic, new Limit(true, true, Integer.parseInt(entry.value()), now));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return cache(topic, missing(now));
            }
            LOG.warn("could not read topic '{}' settings from Kafka {}: {}; publishing without the size check",
                    topic, cluster, e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warn("Kafka {} did not answer within {} ms about topic '{}'; publishing without the size check",
                    cluster, ASK_MILLIS, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        // no answer: an earlier answer stands, or the message goes unchecked; either for NO_ANSWER_MILLIS
        Limit known = cached(topic);
        return known != null && known.answered()
                ? cache(topic, new Limit(true, known.exists(), known.maxMessageBytes(), now - CACHE_MILLIS + NO_ANSWER_MILLIS))
                : cache(topic, new Limit(false, false, 0, now));
    }

    /** Whether the broker creates topics on first use, and the size limit a topic it creates gets. */
    private record BrokerDefaults(boolean createsTopics, int maxMessageBytes, long askedAtMillis) {
    }

    /**
     * A topic that does not exist: it will, with the broker's default limit, if the broker creates topics
     * on first use; otherwise (or if the broker does not say) it is refused, as a commit could never publish it.
     */
    private Limit missing(long now) {
        BrokerDefaults defaults = brokerDefaults;
        if (defaults == null || now - defaults.askedAtMillis() >= CACHE_MILLIS) {
            defaults = askBroker(now);
        }
        return defaults.createsTopics() ? new Limit(true, true, defaults.maxMessageBytes(), now) : new Limit(true, false, 0, now);
    }

    private BrokerDefaults askBroker(long now) {
        try {
            Node node = admin().describeCluster().nodes().get(ASK_MILLIS, TimeUnit.MILLISECONDS).iterator().next();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config config = admin().describeConfigs(List.of(broker)).all().get(ASK_MILLIS, TimeUnit.MILLISECONDS).get(broker);
            BrokerDefaults defaults = new BrokerDefaults(Boolean.parseBoolean(config.get("auto.create.topics.enable").value()),
                    Integer.parseInt(config.get("message.max.bytes").value()), now);
            brokerDefaults = defaults;
            return defaults;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new BrokerDefaults(false, 0, now);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("could not read whether Kafka {} creates topics on first use ({}); a topic that does not exist is refused",
                    cluster, e instanceof ExecutionException ? e.getCause().toString() : e.toString());
            return new BrokerDefaults(false, 0, now);
        }
    }

    private Limit cached(String topic) {
        synchronized (limits) {
            return limits.get(topic);
        }
    }

    private Limit cache(String topic, Limit limit) {
        synchronized (limits) {
            limits.put(topic, limit);
        }
        return limit;
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
