package dev.entente.coordinator;

import dev.entente.coordinator.security.NodeSecurity;
import dev.entente.protocol.Xids;
import dev.entente.protocol.extension.ExtensionJars;
import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The command line of {@code entente coordinator}, parsed and checked. Every error names the option.
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
                          int clientPort, int adminPort, File dataDir, long snapshotThreshold,
                          Duration electionTimeout, long defaultTimeoutMillis, long maxTimeoutMillis,
                          Optional<String> kafka, boolean insecure, NodeSecurity security, String adminHost,
                          Optional<File> adminTokenFile, List<Path> extensions) {

    public static final int CLIENT_PORT_OFFSET = 1000;
    public static final int ADMIN_PORT_OFFSET = 2000;

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    public static final String USAGE = """
            usage: entente coordinator --dev [--port P] [--admin-port Q] [--raft-port R] [--data-dir D]
                   entente coordinator --node-id ID --peers ID=host:raftPort,... [--port P] [--admin-port Q] [--data-dir D]
                                       (--tls-cert F --tls-key F --tls-ca F --app-secrets F | --insecure)
            options:
              --dev                   one node on loopback, the embedded default (plain text, for development)
              --tls-cert FILE         this node's certificate chain (PEM), for the client port and between nodes
              --tls-key FILE          its private key (PEM, unencrypted PKCS#8)
              --tls-ca FILE           the authority (PEM) that signed every node's certificate
              --app-secrets FILE      applications and the SHA-256 of their secrets; every client authenticates
              --insecure              plain text without authentication (warns on every start)
              --node-id ID            this node's id, one of those named in --peers
              --peers LIST            every node's Raft address: n1=host:port,n2=host:port,n3=host:port
              --port P                client (gRPC) port; default 7070 (--dev) or the Raft port + 1000
              --admin-port Q          admin HTTP port; default 7071 (--dev) or the Raft port + 2000
              --raft-port R           Raft port with --dev; default 7072
              --data-dir D            where the Raft log and snapshots live; default ./entente-data/ID
              --cluster-id C          names the cluster in every XID; default entente
              --snapshot-threshold N  log entries between snapshots; default 10000
              --election-timeout MS   Raft election timeout; default 1000
              --default-timeout MS    transaction timeout when Begin names none; default 60000
              --max-timeout MS        the longest transaction timeout a client may ask for; default 3600000
              --kafka HOST:PORT,...   the Kafka cluster @Publish messages go to; without it, Publish is refused
              --admin-host H          the address the admin port binds; default 127.0.0.1 (loopback only)
              --admin-token-file F    a file holding the admin token that admin operations (tx resolve) need;
                                      without it, --dev writes a new one to D/admin-token and a cluster node
                                      refuses admin operations
              --extensions JAR,...    jars of extensions to load (see docs/coordinator.md); none by default
            """;

    /** Bad command-line input; the message names the option. */
    public static final class InvalidOption extends RuntimeException {
        public InvalidOption(String message) {
            super(message);
        }
    }

    public static NodeOptions parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean dev = false;
        boolean insecure = false;
        Iterator<String> it = Arrays.asList(args).iterator();
        while (it.hasNext()) {
            String option = it.next();
            switch (option) {
                case "--dev" -> dev = true;
                case "--insecure" -> insecure = true;
                case "--node-id", "--peers", "--port", "--admin-port", "--raft-port", "--data-dir", "--cluster-id",
                     "--snapshot-threshold", "--election-timeout", "--default-timeout", "--max-timeout", "--host", "--kafka",
                     "--tls-cert", "--tls-key", "--tls-ca", "--app-secrets", "--admin-host", "--admin-token-file",
                     "--extensions" -> {
                    if (!it.hasNext()) {
                        throw new InvalidOption(option + ": needs a value");
                    }
                    if (values.put(option, it.next()) != null) {
                        throw new InvalidOption(option + ": given twice");
                    }
                }
                default -> throw new InvalidOption(option + ": unknown option (see --help)");
            }
        }
        for (String portOption : new String[] {"--port", "--admin-port", "--raft-port"}) {
            port(values, portOption, 0);
        }
        return dev ? parseDev(values, insecure) : parseCluster(values, insecure);
    }

    private static final List<String> SECURITY_OPTIONS = List.of("--tls-cert", "--tls-key", "--tls-ca", "--app-secrets");

    /** TLS and client authentication, or plain text where --dev or --insecure allows it. */
    private static NodeSecurity security(Map<String, String> values, boolean dev, boolean insecure, String host) {
        List<String> given = SECURITY_OPTIONS.stream().filter(values::containsKey).toList();
        if (!given.isEmpty()) {
            if (insecure) {
                throw new InvalidOption("--insecure: not allowed with " + given.get(0) + " (a node with TLS material is not plain text)");
            }
            for (String option : SECURITY_OPTIONS) {
                if (!values.containsKey(option)) {
                    throw new InvalidOption(option + ": needed with " + given.get(0) + " (TLS and client authentication go "
                            + "together: --tls-cert, --tls-key, --tls-ca and --app-secrets)");
                }
            }
            try {
                return NodeSecurity.load(Path.of(values.get("--tls-cert")), Path.of(values.get("--tls-key")),
                        Path.of(values.get("--tls-ca")), Path.of(values.get("--app-secrets")));
            } catch (IllegalArgumentException e) {
                throw new InvalidOption(e.getMessage());
            }
        }
        if (insecure) {
            return NodeSecurity.plainText();
        }
        if (!dev) {
            throw new InvalidOption("a cluster node needs TLS: give --tls-cert, --tls-key, --tls-ca and --app-secrets "
                    + "(see docs/operations.md), or --insecure to run plain text without authentication");
        }
        if (!isLoopback(host)) {
            throw new InvalidOption("--host: --dev runs plain text, on loopback only; to listen on " + host
                    + " give --tls-cert, --tls-key, --tls-ca and --app-secrets, or --insecure");
        }
        return NodeSecurity.plainText();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new InvalidOption("--host: unknown host '" + host + "'");
        }
    }

    private static NodeOptions parseDev(Map<String, String> values, boolean insecure) {
        for (String clusterOnly : new String[] {"--peers", "--node-id"}) {
            if (values.containsKey(clusterOnly)) {
                throw new InvalidOption(clusterOnly + ": not allowed with --dev (one node on loopback)");
            }
        }
        String host = values.getOrDefault("--host", "127.0.0.1");
        int raftPort = port(values, "--raft-port", 7072);
        String nodeId = "dev";
        return build(values, true, nodeId, Map.of(nodeId, host + ":" + raftPort), host,
                port(values, "--port", 7070), port(values, "--admin-port", 7071), insecure);
    }

    private static NodeOptions parseCluster(Map<String, String> values, boolean insecure) {
        if (!values.containsKey("--peers") || !values.containsKey("--node-id")) {
            throw new InvalidOption("--node-id and --peers are required unless --dev is given");
        }
        if (values.containsKey("--raft-port") || values.containsKey("--host")) {
            throw new InvalidOption((values.containsKey("--raft-port") ? "--raft-port" : "--host")
                    + ": a cluster node takes its Raft address from --peers");
        }
        Map<String, String> peers = parsePeers(values.get("--peers"));
        String nodeId = values.get("--node-id");
        String own = peers.get(nodeId);
        if (own == null) {
            throw new InvalidOption("--node-id: '" + nodeId + "' is not one of the nodes in --peers " + peers.keySet());
        }
        String host = own.substring(0, own.lastIndexOf(':'));
        int raftPort = Integer.parseInt(own.substring(own.lastIndexOf(':') + 1));
        int clientPort = port(values, "--port", derivedPort("--port", raftPort, CLIENT_PORT_OFFSET));
        int adminPort = port(values, "--admin-port", derivedPort("--admin-port", raftPort, ADMIN_PORT_OFFSET));
        return build(values, false, nodeId, peers, host, clientPort, adminPort, insecure);
    }

    private static NodeOptions build(Map<String, String> values, boolean dev, String nodeId, Map<String, String> peers,
                                     String host, int clientPort, int adminPort, boolean insecure) {
        String clusterId = values.getOrDefault("--cluster-id", "entente");
        if (!Xids.CLUSTER_ID.matcher(clusterId).matches()) {
            throw new InvalidOption("--cluster-id: '" + clusterId + "' must be 1-32 letters, digits, '.', '_' or '-'");
        }
        File dataDir = new File(values.getOrDefault("--data-dir", "entente-data/" + nodeId)).getAbsoluteFile();
        if (dataDir.exists() && !dataDir.isDirectory()) {
            throw new InvalidOption("--data-dir: " + dataDir + " exists and is not a directory");
        }
        long defaultTimeout = number(values, "--default-timeout", 60_000, 1, 86_400_000);
        long maxTimeout = number(values, "--max-timeout", 3_600_000, 1, 86_400_000);
        if (defaultTimeout > maxTimeout) {
            throw new InvalidOption("--default-timeout: " + defaultTimeout + " exceeds --max-timeout " + maxTimeout);
        }
        return new NodeOptions(dev, clusterId, nodeId, peers, host, clientPort, adminPort, dataDir,
                number(values, "--snapshot-threshold", 10_000, 1, Long.MAX_VALUE),
                Duration.ofMillis(number(values, "--election-timeout", 1000, 100, 60_000)),
                defaultTimeout, maxTimeout, kafka(values), insecure, security(values, dev, insecure, host),
                values.getOrDefault("--admin-host", "127.0.0.1"), adminTokenFile(values), extensions(values));
    }

    private static Optional<File> adminTokenFile(Map<String, String> values) {
        String path = values.get("--admin-token-file");
        if (path == null) {
            return Optional.empty();
        }
        File file = new File(path).getAbsoluteFile();
        if (!file.isFile() || !file.canRead()) {
            throw new InvalidOption("--admin-token-file: " + file + " is not a readable file");
        }
        return Optional.of(file);
    }

    private static List<Path> extensions(Map<String, String> values) {
        try {
            return ExtensionJars.parse("--extensions", values.get("--extensions"));
        } catch (IllegalArgumentException e) {
            throw new InvalidOption(e.getMessage());
        }
    }

    private static Optional<String> kafka(Map<String, String> values) {
        String list = values.get("--kafka");
        if (list == null) {
            return Optional.empty();
        }
        for (String server : list.split(",")) {
            int colon = server.trim().lastIndexOf(':');
            if (colon <= 0) {
                throw new InvalidOption("--kafka: '" + server + "' is not host:port");
            }
            portValue("--kafka", server.trim().substring(colon + 1));
        }
        return Optional.of(list);
    }

    static Map<String, String> parsePeers(String list) {
        Map<String, String> peers = new LinkedHashMap<>();
        for (String entry : list.split(",")) {
            String[] idAndAddress = entry.trim().split("=", 2);
            if (idAndAddress.length != 2 || !NODE_ID.matcher(idAndAddress[0]).matches()) {
                throw new InvalidOption("--peers: '" + entry + "' is not id=host:port (ids: letters, digits, '_' or '-')");
            }
            String address = idAndAddress[1];
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new InvalidOption("--peers: '" + entry + "' has no host:port");
            }
            portValue("--peers", address.substring(colon + 1));
            if (peers.put(idAndAddress[0], address) != null) {
                throw new InvalidOption("--peers: node id '" + idAndAddress[0] + "' appears twice");
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

    private static int derivedPort(String option, int raftPort, int offset) {
        if (raftPort + offset > 65535) {
            throw new InvalidOption(option + ": the default (Raft port " + raftPort + " + " + offset
                    + ") is not a valid port; give " + option + " explicitly");
        }
        return raftPort + offset;
    }

    private static int port(Map<String, String> values, String option, int fallback) {
        String value = values.get(option);
        return value == null ? fallback : portValue(option, value);
    }

    private static int portValue(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidOption(option + ": expected a port number 1-65535, got '" + value + "'");
    }

    private static long number(Map<String, String> values, String option, long fallback, long min, long max) {
        String value = values.get(option);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidOption(option + ": expected a whole number from " + min + " to " + max + ", got '" + value + "'");
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
}
