package dev.entente.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real Kafka broker in this JVM: one KRaft node ({@code kafka.server.KafkaRaftServer}) that is both
 * controller and broker, listening on 127.0.0.1 only, with its log in the directory the caller gives.
 *
 * <p>Set up for one node: every internal topic has one replica and one partition and
 * {@code min.insync.replicas} is 1, so transactional producers and {@code read_committed} consumers work;
 * topics are not created on first use ({@link #createTopic}).
 *
 * <p>Its two ports (client and controller) are chosen when it is constructed and kept for its life:
 * {@link #stop()} shuts the broker down cleanly and keeps the data, and {@link #start()} again brings
 * back the same broker — same cluster, topics, committed records and transactional ids — on the same
 * ports. The data directory belongs to the caller: neither {@code stop()} nor {@link #close()} deletes it.
 *
 * <p>{@link #saslSsl} makes a broker whose one client listener speaks SASL_SSL: TLS with a certificate the
 * caller gives, and SCRAM-SHA-256 users (made when its storage is formatted); the broker's own
 * connections authenticate as a user of its own. Its controller listener stays plain text, on loopback.
 *
 * <p>Kafka logs through SLF4J under {@code kafka}, {@code org.apache.kafka} and {@code state.change.logger};
 * at info level it is chatty, so callers' logging configuration should set those to warn.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SCRAM = "SCRAM-SHA-256";
    private static final String BROKER_USER = "broker";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** What the storage format, the ports and bootstrapServers() rely on. */
    private static final Set<String> FIXED_SETTINGS = Set.of("process.roles", "node.id", "broker.id",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers", "controller.listener.names",
            "listeners", "advertised.listeners", "listener.security.protocol.map", "inter.broker.listener.name",
            "log.dir", "log.dirs", "metadata.log.dir");

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> properties;
    private final Optional<SaslSsl> saslSsl;
    private KafkaRaftServer server;

    /** The TLS material of a SASL_SSL listener and its SCRAM users (name to password), the broker's own among them. */
    private record SaslSsl(Path certificate, Path key, Path authority, Map<String, String> users) {
    }

    /** A broker with its log in {@code dataDir} (empty, or a previous broker's), not yet started. */
    public KafkaBroker(Path dataDir) {
        this(dataDir, Map.of());
    }

    /**
     * @param extraProperties broker settings (e.g. {@code message.max.bytes}) added to, and winning over,
     *     the single-node ones; the node's identity, listeners and directories are not among them
     * @throws IllegalArgumentException if {@code extraProperties} names one of those
     */
    public KafkaBroker(Path dataDir, Map<String, String> extraProperties) {
        this(dataDir, extraProperties, Optional.empty());
    }

    /**
     * A broker whose client listener speaks SASL_SSL with SCRAM-SHA-256: TLS with {@code certificate} and its
     * unencrypted PKCS#8 {@code key} (PEM; the certificate must name 127.0.0.1), and the {@code users} given
     * (name to password). A client needs {@link #clientProperties(String)}; one without them is refused.
     */
    public static KafkaBroker saslSsl(Path dataDir, Path certificate, Path key, Path authority, Map<String, String> users) {
        Map<String, String> allUsers = new LinkedHashMap<>(users);
        allUsers.put(BROKER_USER, UUID.randomUUID().toString());
        return new KafkaBroker(dataDir, Map.of(), Optional.of(new SaslSsl(certificate, key, authority, Map.copyOf(allUsers))));
    }

    private KafkaBroker(Path dataDir, Map<String, String> extraProperties, Optional<SaslSsl> saslSsl) {
        for (String setting : extraProperties.keySet()) {
            if (FIXED_SETTINGS.contains(setting)) {
                throw new IllegalArgumentException("Kafka broker setting " + setting + " is fixed by KafkaBroker "
                        + "(one node on loopback ports, log in the data directory); it cannot be passed in");
            }
        }
        this.dataDir = dataDir.toAbsolutePath();
        this.port = FreePorts.next();
        this.controllerPort = FreePorts.next();
        this.saslSsl = saslSsl;
        Map<String, String> settings = new LinkedHashMap<>(brokerProperties(this.dataDir, port, controllerPort, extraProperties));
        saslSsl.ifPresent(secured -> settings.putAll(saslSslProperties(secured, port, controllerPort)));
        this.properties = Map.copyOf(settings);
    }

    /** The listeners of {@link #brokerProperties}, the client one SASL_SSL; the broker's own user for its own connections. */
    private static Map<String, String> saslSslProperties(SaslSsl secured, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", "SASL_SSL://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "SASL_SSL://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_SSL");
        p.put("sasl.enabled.mechanisms", SCRAM);
        p.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        p.put("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", jaas(BROKER_USER, secured.users().get(BROKER_USER)));
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", read(secured.certificate()));
        p.put("ssl.keystore.key", read(secured.key()));
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.certificates", read(secured.authority()));
        return p;
    }

    /**
     * What a client of a {@link #saslSsl} broker needs to be let in as {@code user}: Kafka's own keys, as a
     * {@code kafka-client-properties} file holds them (the authority as a file); empty for a plain-text broker.
     */
    public Properties clientProperties(String user) {
        Properties client = new Properties();
        saslSsl.ifPresent(secured -> {
            client.put("security.protocol", "SASL_SSL");
            client.put("sasl.mechanism", SCRAM);
            client.put("sasl.jaas.config", jaas(user, secured.users().getOrDefault(user, "")));
            client.put("ssl.truststore.type", "PEM");
            client.put("ssl.truststore.location", secured.authority().toString());
        });
        return client;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private static String read(Path pem) {
        try {
            return Files.readString(pem);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pem + " for the Kafka broker's TLS: " + e, e);
        }
    }

    private static Map<String, String> brokerProperties(Path dataDir, int port, int controllerPort,
            Map<String, String> extraProperties) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        // one node: no replica can be waited for beyond the leader
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // fast first use: one partition per internal topic, no wait for more group members
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.putAll(extraProperties);
        return p;
    }

    /** "127.0.0.1:port", known before the broker starts and the same after every restart. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /**
     * Formats the data directory if it has never held a broker, starts the broker and returns once it
     * is registered with its controller and answers an Admin client.
     *
     * @throws IllegalStateException if it is already running, or did not start (the cause says why)
     */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("Kafka broker " + bootstrapServers() + " is already running");
        }
        formatStorageIfNew();
        KafkaRaftServer starting;
        try {
            starting = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka broker " + bootstrapServers() + " rejected its settings "
                    + properties.keySet(), e); // the keys only: values hold the TLS key and passwords
        }
        try {
            starting.startup();
            awaitReady();
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            IllegalStateException failure = new IllegalStateException("Kafka broker " + bootstrapServers()
                    + " (controller port " + controllerPort + ", data in " + dataDir + ") did not start", e);
            try {
                shutDown(starting); // frees the ports for the next attempt
            } catch (RuntimeException shutdownFailure) {
                failure.addSuppressed(shutdownFailure);
            }
            throw failure;
        }
        server = starting;
    }

    /** Shuts the broker down cleanly, keeping its ports and data for {@link #start()}; no-op if stopped. */
    public synchronized void stop() {
        if (server != null) {
            KafkaRaftServer stopping = server;
            server = null;
            shutDown(stopping);
        }
    }

    /** Whether the broker has been started and not stopped since. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Same as {@link #stop()}; the data directory stays. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Creates a topic with one replica per partition and returns once the controller has it.
     *
     * @throws IllegalStateException if the broker refused it (e.g. it exists) or did not answer in time
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker " + bootstrapServers() + " did not create topic " + name
                    + " with " + partitions + " partitions", e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name + " on " + bootstrapServers(),
                    e);
        }
    }

    /**
     * Sets one setting of a topic (e.g. {@code max.message.bytes}) and returns once the broker applies it.
     *
     * @throws IllegalStateException if the broker refused it or did not answer in time
     */
    public void setTopicConfig(String topic, String key, String value) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value),
                    AlterConfigOp.OpType.SET)))).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (!value.equals(admin.describeConfigs(List.of(resource)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource).get(key).value())) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("topic " + topic + " still does not show " + key + "=" + value);
                }
                Thread.sleep(50);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker " + bootstrapServers() + " did not set " + key + "=" + value
                    + " on topic " + topic, e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting " + key + " on topic " + topic, e);
        }
    }

    /** A fresh directory gets a new cluster id; a formatted one (this broker's, before a restart) is left alone. */
    private void formatStorageIfNew() {
        if (Files.exists(dataDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setHasDynamicQuorum(false) // the voter is fixed by controller.quorum.voters
                    .setScramArguments(saslSsl.map(secured -> secured.users().entrySet().stream()
                            .map(user -> SCRAM + "=[name=" + user.getKey() + ",password=" + user.getValue() + "]").toList())
                            .orElse(List.of()))
                    .addDirectory(dataDir.toString())
                    .setMetadataLogDirectory(dataDir.toString())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka storage in " + dataDir, e);
        }
    }

    /** startup() already waited for the broker to be unfenced; this checks that a client gets through. */
    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                Exception lastFailure;
                try {
                    long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    for (Node node : admin.describeCluster().nodes().get(leftMillis, TimeUnit.MILLISECONDS)) {
                        if (node.id() == NODE_ID) {
                            return;
                        }
                    }
                    lastFailure = null;
                } catch (ExecutionException | TimeoutException e) {
                    lastFailure = e;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("node " + NODE_ID + " not in the cluster an Admin client sees after "
                            + STARTUP_TIMEOUT.toSeconds() + " s", lastFailure);
                }
                Thread.sleep(50);
            }
        }
    }

    private Admin admin() {
        Properties settings = clientProperties(BROKER_USER);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        return Admin.create(settings);
    }

    private void shutDown(KafkaRaftServer stopping) {
        try {
            stopping.shutdown();
            stopping.awaitShutdown();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka broker " + bootstrapServers() + " (data in " + dataDir
                    + ") did not shut down cleanly", e);
        }
    }
}
