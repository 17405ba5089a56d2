package dev.entente.protocol.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Reads TLS material from PEM files: certificates ({@code BEGIN CERTIFICATE}) and unencrypted PKCS#8
 * private keys ({@code BEGIN PRIVATE KEY}, RSA or EC). Every failure is an {@link IllegalArgumentException}
 * whose message names the option or setting that gave the file, and never the key's content.
 */
public final class PemFiles {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final char[] NO_PASSWORD = new char[0];

    private PemFiles() {
    }

    /** The certificates in {@code file}, in order (a chain starts with the holder's own). */
    public static List<X509Certificate> certificates(String setting, Path file) {
        byte[] content = read(setting, file);
        try {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(content)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(setting + ": " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(setting + ": " + file + " is not a PEM certificate file (" + e.getMessage() + ")");
        }
    }

    /** The private key in {@code file}: PKCS#8, unencrypted ({@code openssl genpkey} writes this form). */
    public static PrivateKey privateKey(String setting, Path file) {
        String text = new String(read(setting, file), StandardCharsets.US_ASCII);
        Matcher pem = PRIVATE_KEY.matcher(text);
        if (!pem.find()) {
            throw new IllegalArgumentException(setting + ": " + file + " holds no unencrypted PKCS#8 private key "
                    + "(-----BEGIN PRIVATE KEY-----); convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + file + ": the private key is not valid base64");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(setting + ": " + file + ": the private key is neither RSA, EC nor Ed25519");
    }

    /** A key manager presenting {@code chainFile}'s certificates with {@code keyFile}'s key. */
    public static X509KeyManager keyManager(String chainSetting, Path chainFile, String keySetting, Path keyFile) {
        List<X509Certificate> chain = certificates(chainSetting, chainFile);
        PrivateKey key = privateKey(keySetting, keyFile);
        if (!chain.get(0).getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new IllegalArgumentException(keySetting + ": " + keyFile + " is a " + key.getAlgorithm()
                    + " key but the certificate in " + chainFile + " (" + chainSetting + ") holds a "
                    + chain.get(0).getPublicKey().getAlgorithm() + " key");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("entente", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return (X509KeyManager) factory.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(keySetting + ": " + keyFile + " does not go with the certificate in "
                    + chainFile + " (" + e.getMessage() + ")");
        }
    }

    /** A trust manager that accepts certificates signed by the authorities in {@code caFile}. */
    public static X509TrustManager trustManager(String setting, Path caFile) {
        List<X509Certificate> authorities = certificates(setting, caFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(setting + ": " + caFile + " cannot serve as trusted authorities (" + e.getMessage() + ")");
        }
    }

    private static byte[] read(String setting, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(setting + ": " + file + " does not exist or is not a file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": " + file + " cannot be read (" + e.getMessage() + ")");
        }
    }
}
