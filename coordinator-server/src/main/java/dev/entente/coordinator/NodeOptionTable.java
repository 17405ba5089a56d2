package dev.entente.coordinator;

import dev.entente.options.CommandOption;
import dev.entente.options.OptionTable;
import java.util.List;

/**
 * Every option of {@code entente coordinator}, declared once: {@link NodeOptions} parses them, the usage
 * text and the reference table in docs/coordinator.md are made from them (a test keeps the docs equal
 * to {@link OptionTable#markdown()}). Each is also an environment variable {@code ENTENTE_*} and a key
 * of the {@code --config} file.
 */
public final class NodeOptionTable {

    public static final CommandOption DEV = CommandOption.toggle("dev",
            "one node on loopback, plain text (or TLS, if given the TLS options): for development");
    public static final CommandOption NODE_ID = new CommandOption("node-id", "ID", "",
            "this node, one of those named in --peers");
    public static final CommandOption PEERS = new CommandOption("peers", "n1=h:p,...", "",
            "every node's Raft address; each node listens on the host of its own entry");
    public static final CommandOption HOST = new CommandOption("host", "H", "127.0.0.1",
            "with --dev, the address the node listens on; other than loopback it needs TLS or --insecure "
                    + "(a cluster node takes its host from --peers)");
    public static final CommandOption PORT = new CommandOption("port", "P", "7070 / Raft port + 1000",
            "client (gRPC) port");
    public static final CommandOption ADMIN_PORT = new CommandOption("admin-port", "Q", "7071 / Raft port + 2000",
            "admin HTTP port (HTTPS when the node has TLS material)");
    public static final CommandOption RAFT_PORT = new CommandOption("raft-port", "R", "7072",
            "Raft port, --dev only");
    public static final CommandOption DATA_DIR = new CommandOption("data-dir", "D", "./entente-data/ID; --dev: ~/.entente/dev",
            "Raft log and snapshots");
    public static final CommandOption RESTORE_FROM = new CommandOption("restore-from", "FOLDER", "",
            "a backup written by entente cluster snapshot: a node whose log does not exist yet starts from it (give every "
                    + "node of the new cluster the same one); a node already restored from it starts from its own log; "
                    + "any other log is refused; --cluster-id must be the backup's cluster name");
    public static final CommandOption CLUSTER_ID = new CommandOption("cluster-id", "C", "entente",
            "the cluster's name, 1-21 characters; when its log is created the first leader adds a random part, and "
                    + "that id (C-, then ten random letters or digits; GET /cluster shows it) is the first part of every "
                    + "XID, of the Kafka transactional.id and of the marker topic; RMs learn it from the coordinator");
    public static final CommandOption SNAPSHOT_THRESHOLD = new CommandOption("snapshot-threshold", "N", "10000",
            "log entries between snapshots");
    public static final CommandOption LOG_SEGMENT_SIZE = new CommandOption("log-segment-size", "BYTES", "33554432",
            "the size at which a Raft log file is closed and a new one begun; after a snapshot the closed files before it "
                    + "are deleted, and a node that joins or falls that far behind is sent the snapshot");
    public static final CommandOption ELECTION_TIMEOUT = new CommandOption("election-timeout", "MS", "1000",
            "Raft election timeout (the maximum is twice this)");
    public static final CommandOption DEFAULT_TIMEOUT = new CommandOption("default-timeout", "MS", "60000",
            "transaction timeout for a transaction that names none (the welcome tells each RM session)");
    public static final CommandOption MAX_TIMEOUT = new CommandOption("max-timeout", "MS", "3600000",
            "the longest timeout a client may ask for");
    public static final CommandOption MAX_TRANSACTIONS_PER_APP = new CommandOption("max-transactions-per-app", "N", "10000",
            "undecided transactions one application may have the leader hold at once (each enters at the first call "
                    + "naming its XID and leaves at its decision); past it, a call bringing in another is refused "
                    + "(RESOURCE_EXHAUSTED)");
    public static final CommandOption MAX_BRANCHES_PER_TRANSACTION = new CommandOption("max-branches-per-transaction", "N",
            "100", "branches one transaction may have (registered or voted)");
    public static final CommandOption MAX_MESSAGES_PER_TRANSACTION = new CommandOption("max-messages-per-transaction", "N",
            "1000", "@Publish messages one transaction may carry");
    public static final CommandOption MAX_MESSAGE_BYTES_PER_TRANSACTION = new CommandOption(
            "max-message-bytes-per-transaction", "BYTES", "2097152",
            "bytes of @Publish messages one transaction may carry, at most 2097152 (they travel in its decision record, "
                    + "one Raft log entry)");
    public static final CommandOption MAX_HELD_BYTES = new CommandOption("max-held-bytes", "BYTES", "268435456",
            "bytes the leader may hold for all undecided transactions together: their @Publish messages, their branches "
                    + "(two bytes a character of their fields, plus 160) and 1024 each; past it, whatever would add to "
                    + "them is refused (RESOURCE_EXHAUSTED)");
    public static final CommandOption MAX_CACHED_TOPICS = new CommandOption("max-cached-topics", "N", "10000",
            "Kafka topics whose settings (exists, max.message.bytes) the leader keeps, for a minute each; the least "
                    + "recently used goes first");
    public static final CommandOption MAX_TOPIC_LOOKUPS = new CommandOption("max-topic-lookups", "N", "4",
            "topics not in that cache that may be looked up on Kafka at once (up to 3 s each; calls naming a topic "
                    + "being looked up wait for that lookup); past it, a Publish or Commit naming yet another such topic "
                    + "is refused (RESOURCE_EXHAUSTED)");
    public static final CommandOption TLS_CERT = new CommandOption("tls-cert", "FILE", "",
            "this node's certificate (PEM, may hold the chain): served on the client and admin ports, and presented to "
                    + "the other nodes (mutual TLS on the Raft port); needs extended key usages serverAuth and clientAuth, "
                    + "and in a cluster must name the node's id (CN=ID or subject alternative name DNS:ID)");
    public static final CommandOption TLS_KEY = new CommandOption("tls-key", "FILE", "",
            "its private key, PEM, unencrypted PKCS#8 (-----BEGIN PRIVATE KEY-----)");
    public static final CommandOption TLS_CA = new CommandOption("tls-ca", "FILE", "",
            "the authority (PEM) that signed every node's certificate; a peer must present a certificate it signed "
                    + "that names a node of --peers (the one dialled, when this node dials)");
    public static final CommandOption APP_SECRETS = new CommandOption("app-secrets", "FILE", "",
            "the applications that may connect: 'name sha256-of-secret [joins=app,...]' per line; every client "
                    + "authenticates and a transaction belongs to the application that began it; read again when it changes");
    public static final CommandOption INSECURE = CommandOption.toggle("insecure",
            "plain text, no authentication, warned about on every start; without it a cluster node needs --tls-cert, "
                    + "--tls-key, --tls-ca and --app-secrets");
    public static final CommandOption KAFKA = new CommandOption("kafka", "HOST:PORT,...", "",
            "the Kafka cluster the leader publishes @Publish messages of committed transactions to; without it, "
                    + "Publish requests are refused");
    public static final CommandOption KAFKA_CLIENT_PROPERTIES = new CommandOption("kafka-client-properties", "FILE", "",
            "TLS and SASL settings of the coordinator's Kafka clients (publishing and the marker topic), in Kafka's own "
                    + "keys: security.protocol, ssl.*, sasl.* (no other key is taken); needs --kafka");
    public static final CommandOption ADMIN_HOST = new CommandOption("admin-host", "H", "127.0.0.1",
            "the address the admin port binds: loopback only unless given");
    public static final CommandOption ADMIN_TOKEN_FILE = new CommandOption("admin-token-file", "F", "",
            "the admin token that tx resolve needs; without it --dev writes a new one to DATA-DIR/admin-token and a "
                    + "cluster node refuses admin operations");
    public static final CommandOption ADMIN_READ_TOKEN_FILE = new CommandOption("admin-read-token-file", "F", "",
            "the read token that the admin port's views need (/cluster, /transactions, /metrics: what tx list and show "
                    + "and the console read); the admin token is accepted too; without it --dev writes a new one to "
                    + "DATA-DIR/admin-read-token and a cluster node's views take the admin token only");
    public static final CommandOption ADMIN_OPEN_VIEWS = CommandOption.toggle("admin-open-views",
            "the admin port's views answer without a credential: whoever reaches the port sees every transaction's "
                    + "name, application and branches; resolve still needs the admin token; not with --admin-read-token-file");
    public static final CommandOption METRICS_PORT = new CommandOption("metrics-port", "M", "",
            "also serve GET /metrics (nothing else) on this port, without a credential, for scrapers; HTTPS when the "
                    + "node has TLS material; the admin port's /metrics still needs a token");
    public static final CommandOption METRICS_HOST = new CommandOption("metrics-host", "H", "127.0.0.1",
            "the address the metrics port binds: loopback only unless given");
    public static final CommandOption EXTENSIONS = new CommandOption("extensions", "JAR,...", "",
            "jars holding extensions of the coordinator (see Extensions below); a jar that is not a readable file "
                    + "stops the node");

    public static final OptionTable TABLE = new OptionTable("ENTENTE_", List.of(DEV, NODE_ID, PEERS, HOST, PORT, ADMIN_PORT,
            RAFT_PORT, DATA_DIR, RESTORE_FROM, CLUSTER_ID, SNAPSHOT_THRESHOLD, LOG_SEGMENT_SIZE, ELECTION_TIMEOUT, DEFAULT_TIMEOUT, MAX_TIMEOUT,
            MAX_TRANSACTIONS_PER_APP, MAX_BRANCHES_PER_TRANSACTION, MAX_MESSAGES_PER_TRANSACTION, MAX_MESSAGE_BYTES_PER_TRANSACTION,
            MAX_HELD_BYTES, MAX_CACHED_TOPICS, MAX_TOPIC_LOOKUPS, TLS_CERT,
            TLS_KEY, TLS_CA, APP_SECRETS, INSECURE, KAFKA, KAFKA_CLIENT_PROPERTIES, ADMIN_HOST, ADMIN_TOKEN_FILE, ADMIN_READ_TOKEN_FILE, ADMIN_OPEN_VIEWS,
            METRICS_PORT, METRICS_HOST, EXTENSIONS), OptionTable.Feature.CONFIG_FILE);

    /** How the command is called, without the options' list: what a bad option is answered with. */
    public static final String SYNOPSIS = """
            usage: entente coordinator --dev [--port P] [--admin-port Q] [--raft-port R] [--data-dir D]
                   entente coordinator --node-id ID --peers ID=host:raftPort,... [--port P] [--admin-port Q] [--data-dir D]
                                       (--tls-cert F --tls-key F --tls-ca F --app-secrets F | --insecure)
            """;

    public static final String USAGE = SYNOPSIS + """
            options (each also as the environment variable in brackets, and as NAME=value in the --config file;
            a flag beats the environment, which beats the file, which beats the default):
            """ + TABLE.usage();

    private NodeOptionTable() {
    }
}
