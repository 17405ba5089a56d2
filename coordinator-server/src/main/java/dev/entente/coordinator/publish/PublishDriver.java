package dev.entente.coordinator.publish;

import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.protocol.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the messages of committed transactions to Kafka, driven by the leader alone, in decision
 * order, in Kafka transactions under one {@code transactional.id} per coordinator cluster: a new
 * leader's producer fences the old leader's, so a deposed leader can never finish a publish the new
 * one also makes. Each Kafka transaction carries a marker naming its XIDs (see
 * {@link PublishedMarkers}); whenever the producer starts, queued transactions that a marker names are
 * taken as published, so every message is visible once to {@code read_committed} consumers.
 *
 * <p>Kafka unreachable: the batch is retried with backoff, with a new producer each time, until it
 * goes through; the backlog shows in the metrics.
 */
public final class PublishDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublishDriver.class);
    public static final String XID_HEADER = "entente-xid";
    public static final String MESSAGE_ID_HEADER = "entente-message-id";
    private static final int MAX_TRANSACTIONS_PER_BATCH = 200;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    /** How far before a decision's time its marker may have been written by another node's clock. */
    private static final long CLOCK_SKEW_MILLIS = 10 * 60_000;

    /** Told when a transaction's messages are all out. */
    public interface Listener {
        void published(String xid);
    }

    private final KafkaCluster cluster;
    private final Supplier<Optional<String>> clusterId;
    private String transactionalId;   // the publish thread's, set when it starts a producer
    private PublishedMarkers markers; // the publish thread's, set when it starts a producer
    private final CoordinatorMetrics metrics;
    private final PublishInterceptor interceptor;
    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<DecisionRecord> queue = new ArrayDeque<>();
    private final Set<String> queued = new HashSet<>();
    private final Set<String> refused = new HashSet<>(); // message ids the broker refused for good
    private final Thread thread;
    private volatile boolean leading;
    private volatile boolean closed;
    private boolean reconcile; // some queued transactions may already be out
    private long term;         // bumped on every leadership change, so a batch from an old term is dropped

    /**
     * @param clusterId   the cluster's id, which its transactional.id and marker topic carry; known before it leads
     * @param interceptor says what to send for each message's record (extensions; usually {@link PublishInterceptor#NONE})
     */
    public PublishDriver(KafkaCluster cluster, Supplier<Optional<String>> clusterId, CoordinatorMetrics metrics,
                         PublishInterceptor interceptor, Listener listener) {
        this.cluster = cluster;
        this.clusterId = clusterId;
        this.metrics = metrics;
        this.interceptor = interceptor;
        this.listener = listener;
        this.thread = new Thread(this::run, "entente-publish");
        thread.setDaemon(true);
        thread.start();
    }

    public void leadershipGained() {
        lock.lock();
        try {
            term++;
            leading = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void leadershipLost() {
        lock.lock();
        try {
            term++;
            leading = false;
            queue.clear();
            queued.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A commit decided in this leadership: nobody can have published it yet. */
    public void decided(DecisionRecord decision) {
        add(decision, false);
    }

    /** A commit decided before this leadership: an earlier leader may have published it already. */
    public void resumed(DecisionRecord decision) {
        add(decision, true);
    }

    private void add(DecisionRecord decision, boolean mayBeOut) {
        lock.lock();
        try {
            if (leading && queued.add(decision.getXid())) {
                queue.addLast(decision);
                reconcile |= mayBeOut;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Messages decided and not yet published (this node, while it leads). */
    public long backlog() {
        lock.lock();
        try {
            return queue.stream().mapToLong(DecisionRecord::getMessagesCount).sum();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        KafkaProducer<byte[], byte[]> producer = null;
        long producerTerm = -1;
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!closed) {
            List<DecisionRecord> batch;
            long batchTerm;
            lock.lock();
            try {
                while (!closed && (!leading || queue.isEmpty())) {
                    if (!leading && producer != null) {
                        break;
                    }
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    break;
                }
                if (!leading) {
                    producer = discard(producer);
                    continue;
                }
                batchTerm = term;
                batch = new ArrayList<>(queue.stream().limit(MAX_TRANSACTIONS_PER_BATCH).toList());
            } finally {
                lock.unlock();
            }
            try {
                if (producer == null || producerTerm != batchTerm) {
                    producer = discard(producer);
                    producer = start();
                    producerTerm = batchTerm;
                    markReconcile();
                }
                if (takeReconcile()) {
                    batch = dropPublished(batch, batchTerm);
                }
                if (!batch.isEmpty()) {
                    publish(producer, batch, batchTerm);
                }
                backoff = FIRST_BACKOFF_MILLIS;
            } catch (Exception e) {
                metrics.publishFailures.increment();
                LOG.warn("publishing {} transactions' messages to Kafka {} failed: {}; retrying in {} ms",
                        batch.size(), cluster, e.toString(), backoff);
                producer = discard(producer);
                markReconcile();
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
        discard(producer);
    }

    private KafkaProducer<byte[], byte[]> start() throws Exception {
        String id = clusterId.get().orElseThrow(() -> new IllegalStateException("the cluster's identity is not written yet"));
        transactionalId = "entente-coordinator-" + id;
        markers = new PublishedMarkers(cluster, id);
        try (Admin admin = Admin.create(cluster.clientProperties())) {
            markers.ensureTopic(admin, KAFKA_TIMEOUT);
        }
        Properties properties = cluster.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis() * 3);
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 << 20); // the topic's own limit decides
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions(); // fences any earlier producer of this cluster and ends its transaction
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        LOG.info("publishing to Kafka {} as {}", cluster, transactionalId);
        return producer;
    }

    /**
     * Takes as published every queued transaction a committed marker names, and returns what of
     * {@code batch} is still to publish.
     */
    private List<DecisionRecord> dropPublished(List<DecisionRecord> batch, long batchTerm) {
        long since;
        lock.lock();
        try {
            since = queue.stream().mapToLong(DecisionRecord::getDecidedAtMillis).min().orElse(System.currentTimeMillis());
        } finally {
            lock.unlock();
        }
        Set<String> out = markers.publishedSince(since - CLOCK_SKEW_MILLIS, KAFKA_TIMEOUT);
        List<DecisionRecord> done;
        lock.lock();
        try {
            done = queue.stream().filter(d -> out.contains(d.getXid())).toList();
        } finally {
            lock.unlock();
        }
        if (!done.isEmpty()) {
            LOG.info("{} transactions' messages were already published (by an earlier leader or attempt)", done.size());
            finished(done, batchTerm);
        }
        return batch.stream().filter(d -> !out.contains(d.getXid())).toList();
    }

    private void publish(KafkaProducer<byte[], byte[]> producer, List<DecisionRecord> batch, long batchTerm) throws Exception {
        List<Sent> sent = new ArrayList<>();
        producer.beginTransaction();
        try {
            for (DecisionRecord decision : batch) {
                for (OutgoingMessage message : decision.getMessagesList()) {
                    if (refused.contains(message.getMessageId())) {
                        continue;
                    }
                    for (ProducerRecord<byte[], byte[]> record : interceptor.toSend(record(decision.getXid(), message))) {
                        sent.add(new Sent(decision.getXid(), message, producer.send(record)));
                    }
                }
            }
            producer.send(markers.marker(batch.stream().map(DecisionRecord::getXid).toList()));
            producer.commitTransaction();
        } catch (Exception e) {
            noteRefusals(sent);
            throw e;
        }
        metrics.publishedMessages.add(sent.size());
        finished(batch, batchTerm);
    }

    /** A message the broker refuses for good would stop every message behind it: it is logged and skipped. */
    private void noteRefusals(List<Sent> sent) {
        for (Sent s : sent) {
            if (s.result().isDone()) {
                try {
                    s.result().get();
                } catch (Exception e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RecordTooLargeException || cause instanceof InvalidTopicException) {
                        LOG.error("Kafka {} refuses message {} of committed transaction {} for topic '{}': {}; it is dropped",
                                cluster, s.message().getMessageId(), s.xid(), s.message().getTopic(), cause.toString());
                        refused.add(s.message().getMessageId());
                        metrics.publishDropped.increment();
                    }
                }
            }
        }
    }

    private record Sent(String xid, OutgoingMessage message, Future<RecordMetadata> result) {
    }

    private static ProducerRecord<byte[], byte[]> record(String xid, OutgoingMessage message) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(message.getTopic(),
                message.getHasKey() ? message.getKey().toByteArray() : null, message.getValue().toByteArray());
        record.headers().add(new RecordHeader(XID_HEADER, xid.getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader(MESSAGE_ID_HEADER, message.getMessageId().getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private void finished(List<DecisionRecord> done, long batchTerm) {
        lock.lock();
        try {
            if (term != batchTerm) {
                return;
            }
            for (DecisionRecord decision : done) {
                if (queued.remove(decision.getXid())) {
                    queue.remove(decision);
                }
            }
        } finally {
            lock.unlock();
        }
        done.forEach(decision -> listener.published(decision.getXid()));
    }

    private void markReconcile() {
        lock.lock();
        try {
            reconcile = true;
        } finally {
            lock.unlock();
        }
    }

    private boolean takeReconcile() {
        lock.lock();
        try {
            boolean was = reconcile;
            reconcile = false;
            return was;
        } finally {
            lock.unlock();
        }
    }

    private static KafkaProducer<byte[], byte[]> discard(KafkaProducer<byte[], byte[]> producer) {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        return null;
    }

    private void pause(long millis) {
        lock.lock();
        try {
            changed.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
