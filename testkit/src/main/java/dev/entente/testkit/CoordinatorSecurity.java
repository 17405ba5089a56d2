package dev.entente.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TLS material and application secrets for a secured coordinator, made at test time in a folder: a
 * certificate authority, one node certificate (for 127.0.0.1 and localhost, good for server and client
 * use, naming every node id the testkit gives: {@code dev} and {@code n1} to {@code n9}, so every node of a
 * test cluster may present it) signed with the JDK's {@code keytool}, its private key as PKCS#8 PEM, and
 * an {@code --app-secrets} file with a fresh random secret per application. {@link #perNodeArgs} issues each
 * node a certificate of its own instead, as in production; {@link #issue} any other certificate of the same
 * CA. Nothing here is committed: every run makes new keys.
 */
public final class CoordinatorSecurity {

    private static final String STORE_PASSWORD = "entente-test";

    private final Path dir;
    private final Map<String, String> joins = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();

    private CoordinatorSecurity(Path dir) {
        this.dir = dir;
    }

    /** Makes a CA and a node certificate (for 127.0.0.1 and localhost) in {@code dir}. */
    public static CoordinatorSecurity create(Path dir) {
        return create(dir, List.of());
    }

    /**
     * Makes a CA and a node certificate in {@code dir} that also names {@code moreAddresses} (IP addresses
     * or DNS names): for nodes reached at other loopback addresses than 127.0.0.1.
     */
    public static CoordinatorSecurity create(Path dir, List<String> moreAddresses) {
        CoordinatorSecurity security = new CoordinatorSecurity(dir);
        StringBuilder san = new StringBuilder("san=ip:127.0.0.1,dns:localhost");
        for (String address : moreAddresses) {
            san.append(address.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*") ? ",ip:" : ",dns:").append(address);
        }
        security.makeCertificates(san.toString());
        return security;
    }

    /** Adds {@code app} with a new secret; it may join the transactions of {@code joins} (app names, or "*"). */
    public CoordinatorSecurity app(String app, String... joins) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        secrets.put(app, HexFormat.of().formatHex(random));
        this.joins.put(app, String.join(",", joins));
        writeSecretsFile();
        write(secretFile(app), secrets.get(app) + "\n");
        return this;
    }

    /** The arguments that make a coordinator node use this material: TLS and client authentication. */
    public List<String> coordinatorArgs() {
        return List.of("--tls-cert", nodeCertificate().toString(), "--tls-key", nodeKey().toString(),
                "--tls-ca", authority().toString(), "--app-secrets", appSecrets().toString());
    }

    /**
     * As {@link #coordinatorArgs()}, but each node of a {@link CoordinatorCluster} presents a certificate of
     * its own ({@code CN=}its id), issued here for each of {@code nodeIds}; the cluster puts the node's id in
     * place of {@code {node}}.
     */
    public List<String> perNodeArgs(String... nodeIds) {
        for (String id : nodeIds) {
            issue(id, id);
        }
        return List.of("--tls-cert", certificate(CoordinatorCluster.NODE).toString(), "--tls-key", key(CoordinatorCluster.NODE).toString(),
                "--tls-ca", authority().toString(), "--app-secrets", appSecrets().toString());
    }

    /**
     * Issues another certificate of this CA, {@code CN=commonName}, for 127.0.0.1 and localhost, good for
     * server and client use: {@link #certificate(String)} and {@link #key(String)} name its files.
     */
    public CoordinatorSecurity issue(String name, String commonName) {
        try {
            makeCertificate(name, "CN=" + commonName, "san=ip:127.0.0.1,dns:localhost");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the test certificate " + name + " in " + dir + ": " + e, e);
        }
        return this;
    }

    /** The certificate {@link #issue} made under {@code name} (PEM). */
    public Path certificate(String name) {
        return dir.resolve(name + ".pem");
    }

    /** Its private key (PKCS#8 PEM). */
    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** Its key and certificate in one PEM file, as ZooKeeper's PEM key store takes them ({@code name-key-and-cert.pem}). */
    public Path keyAndCertificate(String name) {
        Path both = dir.resolve(name + "-key-and-cert.pem");
        try {
            write(both, Files.readString(key(name)) + Files.readString(certificate(name)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the test certificate " + name + " in " + dir + ": " + e, e);
        }
        return both;
    }

    public Path authority() {
        return dir.resolve("ca.pem");
    }

    public Path nodeCertificate() {
        return dir.resolve("node.pem");
    }

    public Path nodeKey() {
        return dir.resolve("node.key");
    }

    public Path appSecrets() {
        return dir.resolve("app-secrets");
    }

    /** The file holding {@code app}'s secret, as the application's {@code secret-file} setting names it. */
    public Path secretFile(String app) {
        return dir.resolve(app + ".secret");
    }

    private void writeSecretsFile() {
        StringBuilder file = new StringBuilder("# application  sha-256 of its secret  [joins=...]\n");
        secrets.forEach((app, secret) -> file.append(app).append(' ').append(sha256(secret))
                .append(joins.get(app).isEmpty() ? "" : " joins=" + joins.get(app)).append('\n'));
        write(appSecrets(), file.toString());
    }

    private void makeCertificates(String subjectAltNames) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve("ca.p12");
            keytool("-genkeypair", "-keystore", caStore, "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=Entente test CA", "-ext", "bc:c", "-validity", "2");
            keytool("-exportcert", "-keystore", caStore, "-alias", "ca", "-rfc", "-file", authority());
            // every node id the testkit gives (dev, n1 to n9), so any test node may present it
            StringBuilder nodeIds = new StringBuilder(subjectAltNames).append(",dns:dev");
            for (int i = 1; i <= 9; i++) {
                nodeIds.append(",dns:n").append(i);
            }
            makeCertificate("node", "CN=entente-node", nodeIds.toString());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make test certificates in " + dir + ": " + e, e);
        }
    }

    /** A key pair and a certificate the CA signed: {@code name.pem} and {@code name.key}. */
    private void makeCertificate(String name, String subject, String alternativeNames) throws IOException, GeneralSecurityException {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-keystore", store, "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", subject, "-validity", "2");
        keytool("-certreq", "-keystore", store, "-alias", "node", "-file", dir.resolve(name + ".csr"));
        keytool("-gencert", "-keystore", dir.resolve("ca.p12"), "-alias", "ca", "-infile", dir.resolve(name + ".csr"),
                "-outfile", certificate(name), "-rfc", "-validity", "2",
                "-ext", alternativeNames, "-ext", "eku=serverAuth,clientAuth");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        byte[] pkcs8 = keys.getKey("node", STORE_PASSWORD.toCharArray()).getEncoded();
        write(key(name), "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
    }

    private static void keytool(Object... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-noprompt", "-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }

    private static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e, e);
        }
    }
}
