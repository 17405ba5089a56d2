package dev.entente.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A real ZooKeeper server that speaks TLS only: a secure client port on 127.0.0.1 (Netty connection
 * factory), its certificate from a PEM file, and client certificates required ({@code ssl.clientAuth=need})
 * from the authority given. It runs in a JVM of its own ({@link #main} there): ZooKeeper's server takes its
 * TLS settings from JVM-wide system properties ({@code zookeeper.ssl.*}) that its client reads as well, so
 * in the test's JVM a client without credentials would borrow the server's.
 */
public final class TlsZooKeeper implements AutoCloseable {

    private final JvmProcess process;
    private final int port;

    private TlsZooKeeper(JvmProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server with its data and log in {@code workDir}.
     *
     * @param keyAndCertificate the server's unencrypted PKCS#8 key and its certificate (naming 127.0.0.1) in one PEM file
     * @param authority         the CA (PEM) whose certificates clients must present
     */
    public static TlsZooKeeper start(Path workDir, Path keyAndCertificate, Path authority) {
        int port = FreePorts.next();
        JvmProcess process = new JvmProcess("zookeeper-tls", List.of("-cp", System.getProperty("java.class.path"),
                TlsZooKeeper.class.getName(), workDir.resolve("zookeeper").toAbsolutePath().toString(), String.valueOf(port),
                keyAndCertificate.toAbsolutePath().toString(), authority.toAbsolutePath().toString()),
                workDir.resolve("zookeeper-tls.log"), "zookeeper tls ready");
        process.start(Duration.ofSeconds(60));
        return new TlsZooKeeper(process, port);
    }

    /** "127.0.0.1:port", the secure client port. */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }

    /** Runs the server: data directory, secure port, key-and-certificate PEM, authority PEM. */
    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        config.setProperty("secureClientPort", args[1]);
        config.setProperty("secureClientPortAddress", "127.0.0.1");
        config.setProperty("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        config.setProperty("ssl.keyStore.location", args[2]);
        config.setProperty("ssl.keyStore.type", "PEM");
        config.setProperty("ssl.trustStore.location", args[3]);
        config.setProperty("ssl.trustStore.type", "PEM");
        config.setProperty("ssl.clientAuth", "need");
        config.setProperty("admin.enableServer", "false");
        config.setProperty("tickTime", "500");
        Path dataDir = Files.createDirectories(Path.of(args[0]));
        ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(dataDir)
                .configuration(config).exitHandler(ExitHandler.LOG_ONLY).build();
        server.start(Duration.ofSeconds(30).toMillis());
        System.out.println("zookeeper tls ready on " + server.getSecureConnectionString());
        System.out.flush();
        Thread.currentThread().join();
    }
}
