package dev.entente.protocol.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The TLS and SASL settings of a Kafka or ZooKeeper client, from a properties file an operator names (the
 * coordinator's {@code --kafka-client-properties}, an application's {@code kafka-client-properties} and
 * {@code zookeeper-client-properties}). The keys are the library's own ({@code security.protocol},
 * {@code ssl.truststore.location}, {@code sasl.jaas.config}; {@code zookeeper.client.secure},
 * {@code zookeeper.ssl.keyStore.location}), and only its security settings are taken: a file cannot point
 * the client elsewhere or change what Entente relies on (bootstrap servers, transactional ids). Every
 * failure is an {@link IllegalArgumentException} naming the setting and the file; values are never shown
 * (they hold passwords), only the keys.
 */
public final class SecurityProperties {

    /** A client library and the keys of its security settings. */
    public enum Library {
        KAFKA("Kafka", List.of("security.protocol", "security.providers"), List.of("ssl.", "sasl.")),
        ZOOKEEPER("ZooKeeper", List.of("zookeeper.client.secure", "zookeeper.clientCnxnSocket", "zookeeper.server.principal",
                "zookeeper.server.realm"), List.of("zookeeper.ssl.", "zookeeper.sasl."));

        private final String displayName;
        private final List<String> keys;
        private final List<String> prefixes;

        Library(String displayName, List<String> keys, List<String> prefixes) {
            this.displayName = displayName;
            this.keys = keys;
            this.prefixes = prefixes;
        }

        boolean isSecuritySetting(String key) {
            return keys.contains(key) || prefixes.stream().anyMatch(key::startsWith);
        }

        String settingsNamed() {
            return String.join(", ", keys) + ", " + String.join("*, ", prefixes) + "*";
        }
    }

    private final Library library;
    private final Optional<Path> file;
    private final Properties properties;

    private SecurityProperties(Library library, Optional<Path> file, Properties properties) {
        this.library = library;
        this.file = file;
        this.properties = properties;
    }

    /** No file: the library's defaults (plain text, no authentication, unless its own system properties say otherwise). */
    public static SecurityProperties none(Library library) {
        return new SecurityProperties(library, Optional.empty(), new Properties());
    }

    /**
     * Reads {@code file}.
     *
     * @param setting names the setting or option in error messages ("--kafka-client-properties")
     * @throws IllegalArgumentException if the file cannot be read, holds a key that is not one of the library's
     *     security settings, or holds none
     */
    public static SecurityProperties load(Library library, String setting, Path file) {
        Path path = file.toAbsolutePath();
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": " + path + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        for (String key : properties.stringPropertyNames()) {
            if (!library.isSecuritySetting(key)) {
                throw new IllegalArgumentException(setting + ": " + path + ": '" + key + "' is not a security setting of the "
                        + library.displayName + " client; the file takes only " + library.settingsNamed());
            }
        }
        if (properties.isEmpty()) {
            throw new IllegalArgumentException(setting + ": " + path + " holds no setting; it takes " + library.settingsNamed());
        }
        return new SecurityProperties(library, Optional.of(path), properties);
    }

    /** Copies the settings into the properties a client is made from (they win over what is there). */
    public void addTo(Properties clientProperties) {
        clientProperties.putAll(properties);
    }

    /** Hands each setting to {@code setting}, for clients configured one key at a time. */
    public void forEach(BiConsumer<String, String> setting) {
        properties.stringPropertyNames().forEach(key -> setting.accept(key, properties.getProperty(key)));
    }

    public boolean isEmpty() {
        return properties.isEmpty();
    }

    /** Where the settings came from and which keys they set, never their values: for start-up lines. */
    @Override
    public String toString() {
        return file.map(path -> library.displayName + " client properties from " + path + " "
                        + new TreeSet<>(properties.stringPropertyNames()))
                .orElse("no " + library.displayName + " client properties");
    }
}
