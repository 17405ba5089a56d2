package dev.entente.coordinator;

import static dev.entente.coordinator.NodeOptionTable.ADMIN_HOST;
import static dev.entente.coordinator.NodeOptionTable.ADMIN_OPEN_VIEWS;
import static dev.entente.coordinator.NodeOptionTable.ADMIN_PORT;
import static dev.entente.coordinator.NodeOptionTable.ADMIN_READ_TOKEN_FILE;
import static dev.entente.coordinator.NodeOptionTable.ADMIN_TOKEN_FILE;
import static dev.entente.coordinator.NodeOptionTable.APP_SECRETS;
import static dev.entente.coordinator.NodeOptionTable.CLUSTER_ID;
import static dev.entente.coordinator.NodeOptionTable.DATA_DIR;
import static dev.entente.coordinator.NodeOptionTable.DEFAULT_TIMEOUT;
import static dev.entente.coordinator.NodeOptionTable.DEV;
import static dev.entente.coordinator.NodeOptionTable.ELECTION_TIMEOUT;
import static dev.entente.coordinator.NodeOptionTable.EXTENSIONS;
import static dev.entente.coordinator.NodeOptionTable.HOST;
import static dev.entente.coordinator.NodeOptionTable.INSECURE;
import static dev.entente.coordinator.NodeOptionTable.KAFKA;
import static dev.entente.coordinator.NodeOptionTable.KAFKA_CLIENT_PROPERTIES;
import static dev.entente.coordinator.NodeOptionTable.LOG_SEGMENT_SIZE;
import static dev.entente.coordinator.NodeOptionTable.MAX_BRANCHES_PER_TRANSACTION;
import static dev.entente.coordinator.NodeOptionTable.MAX_CACHED_TOPICS;
import static dev.entente.coordinator.NodeOptionTable.MAX_HELD_BYTES;
import static dev.entente.coordinator.NodeOptionTable.MAX_MESSAGES_PER_TRANSACTION;
import static dev.entente.coordinator.NodeOptionTable.MAX_MESSAGE_BYTES_PER_TRANSACTION;
import static dev.entente.coordinator.NodeOptionTable.MAX_TIMEOUT;
import static dev.entente.coordinator.NodeOptionTable.MAX_TOPIC_LOOKUPS;
import static dev.entente.coordinator.NodeOptionTable.MAX_TRANSACTIONS_PER_APP;
import static dev.entente.coordinator.NodeOptionTable.METRICS_HOST;
import static dev.entente.coordinator.NodeOptionTable.METRICS_PORT;
import static dev.entente.coordinator.NodeOptionTable.NODE_ID;
import static dev.entente.coordinator.NodeOptionTable.PEERS;
import static dev.entente.coordinator.NodeOptionTable.PORT;
import static dev.entente.coordinator.NodeOptionTable.RAFT_PORT;
import static dev.entente.coordinator.NodeOptionTable.RESTORE_FROM;
import static dev.entente.coordinator.NodeOptionTable.SNAPSHOT_THRESHOLD;
import static dev.entente.coordinator.NodeOptionTable.TLS_CA;
import static dev.entente.coordinator.NodeOptionTable.TLS_CERT;
import static dev.entente.coordinator.NodeOptionTable.TLS_KEY;

import dev.entente.coordinator.backup.SnapshotBackup;
import dev.entente.coordinator.publish.KafkaCluster;
import dev.entente.coordinator.security.NodeSecurity;
import dev.entente.coordinator.security.PeerCertificates;
import dev.entente.coordinator.txn.ClientLimits;
import dev.entente.coordinator.txn.ClusterIdentity;
import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.options.InvalidOption;
import dev.entente.protocol.Xids;
import dev.entente.protocol.config.SecurityProperties;
import dev.entente.protocol.extension.ExtensionJars;
import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The options of {@code entente coordinator} (flags, {@code ENTENTE_*} variables, the {@code --config} file;
 * declared in {@link NodeOptionTable}), parsed and checked. Every error names the option as it was given.
 *
 * <p>Ports: in {@code --dev} mode the client port defaults to 7070, the admin port to 7071 and the
 * Raft port to 7072. In a cluster each node's Raft address comes from {@code --peers}; its client
 * port defaults to the Raft port + 1000 and its admin port to the Raft port + 2000, so three nodes
 * on one host never collide.
 *
 * <p>Security: a cluster node needs TLS material and an application secrets file
 * ({@code --tls-cert --tls-key --tls-ca --app-secrets}), or an explicit {@code --insecure}; {@code --dev}
 * runs plain text on loopback unless given TLS material.
 */
public record NodeOptions(boolean dev, String clusterId, String nodeId, Map<String, String> peers, String host,
                          int clientPort, int adminPort, File dataDir, long snapshotThreshold, long logSegmentSize,
                          Duration electionTimeout, long defaultTimeoutMillis, long maxTimeoutMillis, ClientLimits limits,
                          Optional<KafkaCluster> kafka, boolean insecure, NodeSecurity security, String adminHost,
                          Optional<File> adminTokenFile, Optional<File> adminReadTokenFile, boolean adminOpenViews,
                          String metricsHost, OptionalInt metricsPort, List<Path> extensions,
                          Optional<SnapshotBackup> restoreFrom) {

    public static final int CLIENT_PORT_OFFSET = 1000;
    public static final int ADMIN_PORT_OFFSET = 2000;

    private static final Pattern NODE_ID_FORMAT = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** The usage text; its options part comes from {@link NodeOptionTable}. */
    public static final String USAGE = NodeOptionTable.USAGE;

    /** Parses a command line alone (no environment, no config file unless {@code --config} names one). */
    public static NodeOptions parse(String... args) {
        return parse(args, Map.of());
    }

    /** Parses a command line, then the {@code ENTENTE_*} variables of {@code environment}, then the config file. */
    public static NodeOptions parse(String[] args, Map<String, String> environment) {
        GivenOptions given = NodeOptionTable.TABLE.parse(args, environment);
        for (CommandOption portOption : List.of(PORT, ADMIN_PORT, RAFT_PORT, METRICS_PORT)) {
            port(given, portOption, 0);
        }
        return given.isOn(DEV) ? parseDev(given) : parseCluster(given);
    }

    private static final List<CommandOption> SECURITY_OPTIONS = List.of(TLS_CERT, TLS_KEY, TLS_CA, APP_SECRETS);

    /**
     * A message of the security code, which names an option by its flag ({@code --tls-cert: ...}), naming it as it
     * was given: {@code ENTENTE_TLS_CERT: ...} for a node configured by its environment, as in a container.
     */
    private static String namingTheSource(GivenOptions given, String message) {
        for (CommandOption option : SECURITY_OPTIONS) {
            if (message.startsWith(option.flag() + ":")) {
                return given.source(option) + message.substring(option.flag().length());
            }
        }
        return message;
    }

    /** TLS and client authentication, or plain text where --dev or --insecure allows it. */
    private static NodeSecurity security(GivenOptions given, boolean dev, String host) {
        boolean insecure = given.isOn(INSECURE);
        List<CommandOption> present = SECURITY_OPTIONS.stream().filter(given::isGiven).toList();
        if (!present.isEmpty()) {
            String first = given.source(present.get(0));
            if (insecure) {
                throw new InvalidOption(given.source(INSECURE) + ": not allowed with " + first
                        + " (a node with TLS material is not plain text)");
            }
            for (CommandOption option : SECURITY_OPTIONS) {
                if (!given.isGiven(option)) {
                    throw new InvalidOption(option.flag() + ": needed with " + first + " (TLS and client authentication go "
                            + "together: --tls-cert, --tls-key, --tls-ca and --app-secrets)");
                }
            }
            try {
                return NodeSecurity.load(Path.of(given.value(TLS_CERT).orElseThrow()), Path.of(given.value(TLS_KEY).orElseThrow()),
                        Path.of(given.value(TLS_CA).orElseThrow()), Path.of(given.value(APP_SECRETS).orElseThrow()));
            } catch (IllegalArgumentException e) {
                throw new InvalidOption(namingTheSource(given, e.getMessage()));
            }
        }
        if (insecure) {
            return NodeSecurity.plainText();
        }
        if (!dev) {
            throw new InvalidOption("a cluster node needs TLS: give --tls-cert, --tls-key, --tls-ca and --app-secrets "
                    + "(see docs/operations.md), or --insecure to run plain text without authentication");
        }
        if (!isLoopback(given, host)) {
            throw new InvalidOption(given.source(HOST) + ": --dev runs plain text, on loopback only; to listen on " + host
                    + " give --tls-cert, --tls-key, --tls-ca and --app-secrets, or --insecure");
        }
        return NodeSecurity.plainText();
    }

    private static boolean isLoopback(GivenOptions given, String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new InvalidOption(given.source(HOST) + ": unknown host '" + host + "'");
        }
    }

    private static NodeOptions parseDev(GivenOptions given) {
        for (CommandOption clusterOnly : List.of(PEERS, NODE_ID)) {
            if (given.isGiven(clusterOnly)) {
                throw new InvalidOption(given.source(clusterOnly) + ": not allowed with --dev (one node on loopback)");
            }
        }
        String host = given.valueOrDefault(HOST);
        int raftPort = port(given, RAFT_PORT, 7072);
        String nodeId = "dev";
        return build(given, true, nodeId, Map.of(nodeId, host + ":" + raftPort), host,
                port(given, PORT, 7070), port(given, ADMIN_PORT, 7071));
    }

    private static NodeOptions parseCluster(GivenOptions given) {
        if (!given.isGiven(PEERS) || !given.isGiven(NODE_ID)) {
            throw new InvalidOption("--node-id and --peers are required unless --dev is given");
        }
        for (CommandOption devOnly : List.of(RAFT_PORT, HOST)) {
            if (given.isGiven(devOnly)) {
                throw new InvalidOption(given.source(devOnly) + ": a cluster node takes its Raft address from --peers");
            }
        }
        Map<String, String> peers = parsePeers(given.source(PEERS), given.value(PEERS).orElseThrow());
        String nodeId = given.value(NODE_ID).orElseThrow();
        String own = peers.get(nodeId);
        if (own == null) {
            throw new InvalidOption(given.source(NODE_ID) + ": '" + nodeId + "' is not one of the nodes in --peers " + peers.keySet());
        }
        String host = own.substring(0, own.lastIndexOf(':'));
        int raftPort = Integer.parseInt(own.substring(own.lastIndexOf(':') + 1));
        int clientPort = port(given, PORT, derivedPort(PORT, raftPort, CLIENT_PORT_OFFSET));
        int adminPort = port(given, ADMIN_PORT, derivedPort(ADMIN_PORT, raftPort, ADMIN_PORT_OFFSET));
        return build(given, false, nodeId, peers, host, clientPort, adminPort);
    }

    /**
     * Where a node keeps its log when not told: a {@code --dev} node in the user's home ({@code ~/.entente/dev}),
     * whatever folder it is started from; a cluster's node in {@code ./entente-data/ID}, where its operator starts it.
     */
    static File defaultDataDir(boolean dev, String nodeId) {
        return dev ? new File(System.getProperty("user.home"), ".entente/" + nodeId) : new File("entente-data", nodeId);
    }

    private static NodeOptions build(GivenOptions given, boolean dev, String nodeId, Map<String, String> peers,
                                     String host, int clientPort, int adminPort) {
        String clusterId = given.valueOrDefault(CLUSTER_ID);
        if (!Xids.CLUSTER_ID.matcher(clusterId).matches() || clusterId.length() > ClusterIdentity.MAX_NAME) {
            throw new InvalidOption(given.source(CLUSTER_ID) + ": '" + clusterId + "' must be 1-" + ClusterIdentity.MAX_NAME
                    + " letters, digits, '.', '_' or '-' (a random part is added to it)");
        }
        File dataDir = given.value(DATA_DIR).map(File::new).orElse(defaultDataDir(dev, nodeId)).getAbsoluteFile();
        if (dataDir.exists() && !dataDir.isDirectory()) {
            throw new InvalidOption(given.source(DATA_DIR) + ": " + dataDir + " exists and is not a directory");
        }
        long defaultTimeout = number(given, DEFAULT_TIMEOUT, 1, 86_400_000);
        long maxTimeout = number(given, MAX_TIMEOUT, 1, 86_400_000);
        if (defaultTimeout > maxTimeout) {
            throw new InvalidOption(given.source(DEFAULT_TIMEOUT) + ": " + defaultTimeout + " exceeds --max-timeout " + maxTimeout);
        }
        NodeSecurity security = security(given, dev, host);
        requireCertificateNamesNode(given, security, nodeId, peers);
        return new NodeOptions(dev, clusterId, nodeId, peers, host, clientPort, adminPort, dataDir,
                number(given, SNAPSHOT_THRESHOLD, 1, Long.MAX_VALUE), number(given, LOG_SEGMENT_SIZE, 65_536, 1L << 30),
                Duration.ofMillis(number(given, ELECTION_TIMEOUT, 100, 60_000)),
                defaultTimeout, maxTimeout, limits(given), kafka(given), given.isOn(INSECURE), security,
                given.valueOrDefault(ADMIN_HOST), tokenFile(given, ADMIN_TOKEN_FILE), readTokenFile(given),
                given.isOn(ADMIN_OPEN_VIEWS), given.valueOrDefault(METRICS_HOST), metricsPort(given, adminPort),
                extensions(given), restoreFrom(given, clusterId));
    }

    private static ClientLimits limits(GivenOptions given) {
        long messageBytes = number(given, MAX_MESSAGE_BYTES_PER_TRANSACTION, 1024, ClientLimits.MAX_MESSAGE_BYTES_PER_TRANSACTION);
        long heldBytes = number(given, MAX_HELD_BYTES, 2048, Long.MAX_VALUE);
        if (heldBytes < 2 * messageBytes) {
            throw new InvalidOption(given.source(MAX_HELD_BYTES) + ": " + heldBytes + " does not leave room for one transaction "
                    + "with " + MAX_MESSAGE_BYTES_PER_TRANSACTION.flag() + " " + messageBytes + " bytes of messages and its "
                    + "branches; give at least " + 2 * messageBytes);
        }
        return new ClientLimits((int) number(given, MAX_TRANSACTIONS_PER_APP, 1, 10_000_000),
                (int) number(given, MAX_BRANCHES_PER_TRANSACTION, 1, 100_000),
                (int) number(given, MAX_MESSAGES_PER_TRANSACTION, 1, 1_000_000), messageBytes, heldBytes,
                (int) number(given, MAX_CACHED_TOPICS, 1, 10_000_000), (int) number(given, MAX_TOPIC_LOOKUPS, 1, 1000));
    }

    /** The backup {@code --restore-from} names, checked, and of a cluster of this node's {@code --cluster-id}. */
    private static Optional<SnapshotBackup> restoreFrom(GivenOptions given, String clusterName) {
        Optional<String> folder = given.value(RESTORE_FROM);
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        SnapshotBackup backup;
        try {
            backup = SnapshotBackup.read(Path.of(folder.get()).toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new InvalidOption(given.source(RESTORE_FROM) + ": " + e.getMessage());
        }
        if (!ClusterIdentity.isNamed(backup.clusterId(), clusterName)) {
            throw new InvalidOption(given.source(RESTORE_FROM) + ": " + backup.folder() + " is a backup of cluster "
                    + backup.clusterId() + ", not of a cluster named '" + clusterName + "' (" + given.source(CLUSTER_ID)
                    + "); start the restored cluster with the name of the one backed up");
        }
        return Optional.of(backup);
    }

    private static Optional<File> readTokenFile(GivenOptions given) {
        if (given.isOn(ADMIN_OPEN_VIEWS) && given.isGiven(ADMIN_READ_TOKEN_FILE)) {
            throw new InvalidOption(given.source(ADMIN_OPEN_VIEWS) + ": not with " + given.source(ADMIN_READ_TOKEN_FILE)
                    + " (open views need no read token)");
        }
        return tokenFile(given, ADMIN_READ_TOKEN_FILE);
    }

    private static OptionalInt metricsPort(GivenOptions given, int adminPort) {
        if (given.value(METRICS_PORT).isEmpty()) {
            return OptionalInt.empty();
        }
        int port = port(given, METRICS_PORT, 0);
        if (port == adminPort) {
            throw new InvalidOption(given.source(METRICS_PORT) + ": " + port + " is the admin port; the metrics listener needs a port of its own");
        }
        return OptionalInt.of(port);
    }

    /** A node with peers presents its certificate to them, and they accept only one that names its node id. */
    private static void requireCertificateNamesNode(GivenOptions given, NodeSecurity security, String nodeId,
                                                    Map<String, String> peers) {
        if (peers.size() < 2 || security.tls().isEmpty()) {
            return;
        }
        X509Certificate certificate = security.tls().get().certificate();
        if (!PeerCertificates.namesNode(certificate, nodeId)) {
            throw new InvalidOption(given.source(TLS_CERT) + ": the certificate " + PeerCertificates.describe(certificate)
                    + " does not name this node's id '" + nodeId + "', and its peers accept only a certificate naming it: "
                    + "issue it with CN=" + nodeId + " or a subject alternative name DNS:" + nodeId);
        }
    }

    private static List<Path> extensions(GivenOptions given) {
        try {
            return ExtensionJars.parse(given.source(EXTENSIONS), given.value(EXTENSIONS).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new InvalidOption(e.getMessage());
        }
    }

    private static Optional<File> tokenFile(GivenOptions given, CommandOption option) {
        Optional<String> path = given.value(option);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        File file = new File(path.get()).getAbsoluteFile();
        if (!file.isFile() || !file.canRead()) {
            throw new InvalidOption(given.source(option) + ": " + file + " is not a readable file");
        }
        return Optional.of(file);
    }

    private static Optional<KafkaCluster> kafka(GivenOptions given) {
        Optional<String> list = given.value(KAFKA);
        if (list.isEmpty()) {
            if (given.isGiven(KAFKA_CLIENT_PROPERTIES)) {
                throw new InvalidOption(given.source(KAFKA_CLIENT_PROPERTIES) + ": needs --kafka (the cluster it is for)");
            }
            return Optional.empty();
        }
        for (String server : list.get().split(",")) {
            int colon = server.trim().lastIndexOf(':');
            if (colon <= 0) {
                throw new InvalidOption(given.source(KAFKA) + ": '" + server + "' is not host:port");
            }
            portValue(given.source(KAFKA), server.trim().substring(colon + 1));
        }
        return Optional.of(new KafkaCluster(list.get(), kafkaSecurity(given)));
    }

    private static SecurityProperties kafkaSecurity(GivenOptions given) {
        Optional<String> file = given.value(KAFKA_CLIENT_PROPERTIES);
        if (file.isEmpty()) {
            return SecurityProperties.none(SecurityProperties.Library.KAFKA);
        }
        try {
            return SecurityProperties.load(SecurityProperties.Library.KAFKA, given.source(KAFKA_CLIENT_PROPERTIES),
                    Path.of(file.get()));
        } catch (IllegalArgumentException e) {
            throw new InvalidOption(e.getMessage());
        }
    }

    /** Parses {@code id=host:port,...}; an error names {@code source} and the entry. */
    public static Map<String, String> parsePeers(String source, String list) {
        Map<String, String> peers = new LinkedHashMap<>();
        for (String entry : list.split(",")) {
            String[] idAndAddress = entry.trim().split("=", 2);
            if (idAndAddress.length != 2 || !NODE_ID_FORMAT.matcher(idAndAddress[0]).matches()) {
                throw new InvalidOption(source + ": '" + entry + "' is not id=host:port (ids: letters, digits, '_' or '-')");
            }
            String address = idAndAddress[1];
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new InvalidOption(source + ": '" + entry + "' has no host:port");
            }
            portValue(source, address.substring(colon + 1));
            if (peers.put(idAndAddress[0], address) != null) {
                throw new InvalidOption(source + ": node id '" + idAndAddress[0] + "' appears twice");
            }
        }
        return peers;
    }

    /** The client address other nodes assume for a peer until it announces its own. */
    public static String defaultClientAddress(String raftAddress) {
        int colon = raftAddress.lastIndexOf(':');
        return raftAddress.substring(0, colon) + ":" + (Integer.parseInt(raftAddress.substring(colon + 1)) + CLIENT_PORT_OFFSET);
    }

    /** The admin address other nodes assume for a peer until it announces its own. */
    public static String defaultAdminAddress(String raftAddress) {
        int colon = raftAddress.lastIndexOf(':');
        return raftAddress.substring(0, colon) + ":" + (Integer.parseInt(raftAddress.substring(colon + 1)) + ADMIN_PORT_OFFSET);
    }

    private static int derivedPort(CommandOption option, int raftPort, int offset) {
        if (raftPort + offset > 65535) {
            throw new InvalidOption(option.flag() + ": the default (Raft port " + raftPort + " + " + offset
                    + ") is not a valid port; give " + option.flag() + " explicitly");
        }
        return raftPort + offset;
    }

    private static int port(GivenOptions given, CommandOption option, int fallback) {
        Optional<String> value = given.value(option);
        return value.isEmpty() ? fallback : portValue(given.source(option), value.get());
    }

    private static int portValue(String source, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidOption(source + ": expected a port number 1-65535, got '" + value + "'");
    }

    /** The option's whole-number value, or its default from the table. */
    private static long number(GivenOptions given, CommandOption option, long min, long max) {
        return given.number(option, min, max);
    }

    public String raftAddress() {
        return peers.get(nodeId);
    }

    public String clientAddress() {
        return host + ":" + clientPort;
    }

    public String adminAddress() {
        return adminHost + ":" + adminPort;
    }

    /** The URL scheme of the admin port (and the metrics listener): https when the node has TLS material. */
    public String adminScheme() {
        return security.isTls() ? "https" : "http";
    }
}
