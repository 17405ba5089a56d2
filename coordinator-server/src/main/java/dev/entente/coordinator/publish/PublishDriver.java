package dev.entente.coordinator.publish;

import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.MessageRefusal;
import dev.entente.coordinator.publish.KafkaRefusals.FailedSend;
import dev.entente.protocol.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 *
 * <p>Kafka refusing a message for good ({@link KafkaRefusals}: too large for its topic, the topic
 * unknown or not authorized) must not hold up the messages behind it. The Kafka transaction is
 * aborted, so nothing of it is visible and its marker names nobody; the transaction whose message it
 * is goes aside (<em>stuck</em>) and the others are sent again at once. A refused topic names its
 * messages; a refused record does not (Kafka fails the records sent with it alike), so after any
 * failure the next batch, still the head of the queue, is half as long, down to one transaction whose
 * messages are sent one at a time, each awaited: its refusal is its own. Each batch that goes through
 * doubles the length again, up to 200. The refusal is written to the Raft log ({@link Listener#refused}), so every leader knows
 * the transaction is stuck and does not send it; an operator retries it ({@link #retryNow}) once the
 * cause is fixed, or drops the refused messages ({@link #holdForDrop}, {@link #dropped}), and its
 * other messages then go.
 */
public final class PublishDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublishDriver.class);
    public static final String XID_HEADER = "entente-xid";
    public static final String MESSAGE_ID_HEADER = "entente-message-id";
    private static final int MAX_TRANSACTIONS_PER_BATCH = 200;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    /** How long Kafka may take to say whether a topic exists, when its records found no metadata. */
    private static final Duration TOPIC_QUESTION_TIMEOUT = Duration.ofSeconds(3);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    /** How far before a decision's time its marker may have been written by another node's clock. */
    private static final long CLOCK_SKEW_MILLIS = 10 * 60_000;

    /** Told when a transaction's messages are all out, or set aside. */
    public interface Listener {
        void published(String xid);

        /** Kafka refused these messages of {@code xid} for good; its messages are set aside. */
        default void refused(String xid, List<MessageRefusal> refusals) {
        }
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
    private final Set<String> queued = new HashSet<>();   // in the queue or stuck
    private final Map<String, DecisionRecord> stuck = new LinkedHashMap<>(); // set aside: Kafka refused a message
    private final Deque<String> retries = new ArrayDeque<>(); // stuck ones an operator asked to send again
    private final Set<String> inFlight = new HashSet<>();     // in the Kafka transaction under way
    private final Set<String> dropping = new HashSet<>();     // stuck ones whose drop is being written
    private final KafkaRefusals refusals;
    private int batchLimit = MAX_TRANSACTIONS_PER_BATCH; // the publish thread's: halved to find a refused record
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
        this.refusals = new KafkaRefusals(cluster, TOPIC_QUESTION_TIMEOUT);
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
            stuck.clear();
            retries.clear();
            dropping.clear();
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
                if (RefusedMessages.stuck(decision)) {
                    stuck.put(decision.getXid(), decision); // sent only when an operator asks
                } else {
                    queue.addLast(decision);
                    reconcile |= mayBeOut;
                    changed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Messages decided and not yet published (this node, while it leads), stuck ones not included. */
    public long backlog() {
        lock.lock();
        try {
            return queue.stream().mapToLong(d -> RefusedMessages.toSend(d).size()).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Transactions whose messages are set aside because Kafka refused one (this node, while it leads). */
    public long stuckTransactions() {
        lock.lock();
        try {
            return stuck.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * An operator asks to send the messages of stuck {@code xid} again now (the cause fixed): they go
     * alone, one at a time; refused again, it stays stuck. False if {@code xid} is not stuck here.
     */
    public boolean retryNow(String xid) {
        lock.lock();
        try {
            if (!stuck.containsKey(xid) || dropping.contains(xid)) {
                return false;
            }
            if (!retries.contains(xid)) {
                retries.addLast(xid);
            }
            reconcile = true; // an earlier leader's retry may have published it
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * An operator is about to drop refused messages of {@code xid}: it is not sent meanwhile. False
     * unless it is stuck here, with no Kafka transaction carrying it under way (one may publish it).
     * Follow with {@link #dropped} once the drop is in the log, or {@link #dropFailed}.
     */
    public boolean holdForDrop(String xid) {
        lock.lock();
        try {
            if (!stuck.containsKey(xid) || inFlight.contains(xid)) {
                return false;
            }
            retries.remove(xid);
            dropping.add(xid);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The drop is not written: {@code xid} stays stuck. */
    public void dropFailed(String xid) {
        lock.lock();
        try {
            dropping.remove(xid);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The log now says that the refused messages {@code messageIds} of {@code xid} were dropped at
     * {@code atMillis}: they are never sent. Its other messages are queued (an earlier leader may have
     * published them: the markers are read first), or, if none is left, it is published.
     */
    public void dropped(String xid, Collection<String> messageIds, long atMillis) {
        boolean nothingLeft = false;
        lock.lock();
        try {
            dropping.remove(xid);
            DecisionRecord decision = stuck.get(xid);
            if (decision == null) {
                return; // not led here: the next leader reads the drop from the table
            }
            decision = RefusedMessages.dropped(decision, messageIds, atMillis);
            if (RefusedMessages.stuck(decision)) {
                stuck.put(xid, decision);
            } else if (RefusedMessages.toSend(decision).isEmpty()) {
                stuck.remove(xid);
                queued.remove(xid);
                nothingLeft = true;
            } else {
                stuck.remove(xid);
                queue.addLast(decision);
                reconcile = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (nothingLeft) {
            listener.published(xid);
        }
    }

    /** One Kafka transaction's worth: transactions in decision order, or one stuck one sent again. */
    private record Batch(List<DecisionRecord> decisions, long term, boolean oneAtATime) {
        Batch with(List<DecisionRecord> fewer) {
            return new Batch(fewer, term, oneAtATime);
        }
    }

    private void run() {
        KafkaProducer<byte[], byte[]> producer = null;
        long producerTerm = -1;
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!closed) {
            Batch batch;
            lock.lock();
            try {
                while (!closed && (!leading || (queue.isEmpty() && retries.isEmpty()))) {
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
                batch = nextBatch();
            } finally {
                lock.unlock();
            }
            try {
                if (producer == null || producerTerm != batch.term()) {
                    producer = discard(producer);
                    producer = start();
                    producerTerm = batch.term();
                    markReconcile();
                }
                if (takeReconcile()) {
                    batch = batch.with(dropPublished(batch));
                }
                if (!batch.decisions().isEmpty()) {
                    publish(producer, batch);
                }
                backoff = FIRST_BACKOFF_MILLIS;
            } catch (Exception e) {
                metrics.publishFailures.increment();
                LOG.warn("publishing {} transactions' messages to Kafka {} failed: {}; retrying in {} ms",
                        batch.decisions().size(), cluster, e.toString(), backoff);
                producer = discard(producer);
                markReconcile();
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                landed();
            }
        }
        discard(producer);
    }

    /** Under the lock: a stuck transaction an operator asked to send again, else the queue's head. */
    private Batch nextBatch() {
        Batch batch = null;
        while (batch == null && !retries.isEmpty()) {
            DecisionRecord retry = stuck.get(retries.pollFirst());
            batch = retry == null ? null : new Batch(List.of(retry), term, true);
        }
        if (batch == null) {
            batch = new Batch(List.copyOf(queue.stream().limit(batchLimit).toList()), term, batchLimit == 1);
        }
        batch.decisions().forEach(decision -> inFlight.add(decision.getXid()));
        return batch;
    }

    private void landed() {
        lock.lock();
        try {
            inFlight.clear();
        } finally {
            lock.unlock();
        }
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
     * Takes as published every queued transaction (and {@code batch}'s) a committed marker names, and
     * returns what of {@code batch} is still to publish.
     */
    private List<DecisionRecord> dropPublished(Batch batch) {
        List<DecisionRecord> known;
        lock.lock();
        try {
            known = new ArrayList<>(queue);
        } finally {
            lock.unlock();
        }
        Set<String> queuedXids = known.stream().map(DecisionRecord::getXid).collect(Collectors.toSet());
        batch.decisions().stream().filter(d -> !queuedXids.contains(d.getXid())).forEach(known::add); // a stuck one sent again
        long since = known.stream().mapToLong(DecisionRecord::getDecidedAtMillis).min().orElse(System.currentTimeMillis());
        Set<String> out = markers.publishedSince(since - CLOCK_SKEW_MILLIS, KAFKA_TIMEOUT);
        List<DecisionRecord> done = known.stream().filter(d -> out.contains(d.getXid())).toList();
        if (!done.isEmpty()) {
            LOG.info("{} transactions' messages were already published (by an earlier leader or attempt)", done.size());
            finished(done, batch.term());
        }
        return batch.decisions().stream().filter(d -> !out.contains(d.getXid())).toList();
    }

    /**
     * Sends {@code batch}'s messages and its marker in one Kafka transaction; one at a time, each
     * awaited, if the batch says so. Throws when Kafka is away: the batch is sent again with backoff.
     */
    private void publish(KafkaProducer<byte[], byte[]> producer, Batch batch) throws Exception {
        List<Sent> sent = new ArrayList<>();
        producer.beginTransaction();
        try {
            for (DecisionRecord decision : batch.decisions()) {
                for (OutgoingMessage message : RefusedMessages.toSend(decision)) {
                    for (ProducerRecord<byte[], byte[]> record : interceptor.toSend(record(decision.getXid(), message))) {
                        Sent one = new Sent(decision.getXid(), message, producer.send(record));
                        sent.add(one);
                        if (batch.oneAtATime()) {
                            one.result().get(KAFKA_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
                        }
                    }
                }
            }
            producer.send(markers.marker(batch.decisions().stream().map(DecisionRecord::getXid).toList()));
            producer.commitTransaction();
        } catch (Exception e) {
            settleRefusals(producer, batch, sent, e);
            return;
        }
        metrics.publishedMessages.add(sent.size());
        batchLimit = Math.min(MAX_TRANSACTIONS_PER_BATCH, batchLimit * 2);
        finished(batch.decisions(), batch.term());
    }

    /**
     * After a failed Kafka transaction: aborts it, then sets aside the transactions whose messages Kafka
     * refuses for good. Otherwise the next batch is half as long, until one goes through (a refused
     * record hides among several transactions, or Kafka fails a batch it cannot split to its topic's
     * limit): at once after a record refusal, else ({@code failure} rethrown) after the backoff.
     */
    private void settleRefusals(KafkaProducer<byte[], byte[]> producer, Batch batch, List<Sent> sent, Exception failure)
            throws Exception {
        try {
            producer.abortTransaction(); // also settles every record still in flight
        } catch (RuntimeException e) {
            failure.addSuppressed(e); // Kafka away, or this producer fenced: nothing can be told of the records
            batchLimit = Math.max(1, batch.decisions().size() / 2);
            throw failure;
        }
        List<FailedSend> failed = new ArrayList<>();
        sent.forEach(s -> s.failure().ifPresent(why -> failed.add(new FailedSend(s.message().getTopic(), why))));
        Map<String, List<MessageRefusal>> refused = refusedMessages(batch, sent, failed);
        if (!refused.isEmpty()) {
            setAside(batch, refused);
            batchLimit = MAX_TRANSACTIONS_PER_BATCH;
            return;
        }
        batchLimit = Math.max(1, batch.decisions().size() / 2);
        boolean recordRefused = KafkaRefusals.ofRecord(failure).isPresent()
                || failed.stream().anyMatch(f -> KafkaRefusals.ofRecord(f.failure()).isPresent());
        if (!recordRefused) {
            throw failure;
        }
        LOG.warn("Kafka {} refused a record among the messages of {} transactions sent together; to find which, it sends {}",
                cluster, batch.decisions().size(), batchLimit == 1 ? "the first one's messages one at a time" : batchLimit + " at a time");
    }

    /** The messages of {@code batch} Kafka refuses for good, by XID: those of refused topics, and a record sent alone. */
    private Map<String, List<MessageRefusal>> refusedMessages(Batch batch, List<Sent> sent, List<FailedSend> failed) {
        Map<String, String> refusedTopics = refusals.ofTopics(failed);
        long now = System.currentTimeMillis();
        Map<String, List<MessageRefusal>> refused = new LinkedHashMap<>();
        for (DecisionRecord decision : batch.decisions()) {
            for (OutgoingMessage message : RefusedMessages.toSend(decision)) {
                Optional.ofNullable(refusedTopics.get(message.getTopic())).ifPresent(reason ->
                        refused.computeIfAbsent(decision.getXid(), x -> new ArrayList<>()).add(refusal(message, reason, now)));
            }
        }
        if (batch.oneAtATime() && !sent.isEmpty() && refused.isEmpty()) {
            Sent last = sent.get(sent.size() - 1); // sent alone and awaited: its failure is its own
            last.failure().flatMap(KafkaRefusals::ofRecord).ifPresent(reason ->
                    refused.computeIfAbsent(last.xid(), x -> new ArrayList<>()).add(refusal(last.message(), reason, now)));
        }
        return refused;
    }

    private static MessageRefusal refusal(OutgoingMessage message, String reason, long atMillis) {
        return MessageRefusal.newBuilder().setMessageId(message.getMessageId()).setTopic(message.getTopic())
                .setReason(reason).setRefusedAtMillis(atMillis).build();
    }

    /** Moves the transactions of {@code refused} out of the queue, stuck; their new refusals are logged and told. */
    private void setAside(Batch batch, Map<String, List<MessageRefusal>> refused) {
        Map<String, List<MessageRefusal>> added = new LinkedHashMap<>();
        lock.lock();
        try {
            if (term != batch.term()) {
                return;
            }
            for (DecisionRecord decision : batch.decisions()) {
                List<MessageRefusal> its = refused.get(decision.getXid());
                if (its == null || !queued.contains(decision.getXid())) {
                    continue;
                }
                DecisionRecord aside = RefusedMessages.refused(decision, its);
                queue.remove(decision);
                stuck.put(decision.getXid(), aside);
                List<MessageRefusal> fresh = aside.getRefusalsList().subList(decision.getRefusalsCount(), aside.getRefusalsCount());
                if (!fresh.isEmpty()) {
                    added.put(decision.getXid(), fresh);
                }
            }
        } finally {
            lock.unlock();
        }
        added.forEach((xid, fresh) -> {
            fresh.forEach(r -> LOG.error("committed transaction {}: Kafka {} refuses its {}; its messages are set aside "
                    + "(stuck) and later transactions' go on: fix the cause and send them again with 'entente tx resolve {} "
                    + "--commit', or drop the refused ones with 'entente tx resolve {} --drop-refused'",
                    xid, cluster, RefusedMessages.describe(r), xid, xid));
            metrics.publishRefused.add(fresh.size());
            listener.refused(xid, fresh);
        });
    }

    /** A record sent, with the message it carries. */
    private record Sent(String xid, OutgoingMessage message, Future<RecordMetadata> result) {
        /** Why it failed, once settled; empty if it went through or is not settled. */
        Optional<Throwable> failure() {
            if (!result.isDone()) {
                return Optional.empty();
            }
            try {
                result.get();
                return Optional.empty();
            } catch (ExecutionException e) {
                return Optional.of(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
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
                    stuck.remove(decision.getXid());
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
            changed.await(millis, TimeUnit.MILLISECONDS);
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
