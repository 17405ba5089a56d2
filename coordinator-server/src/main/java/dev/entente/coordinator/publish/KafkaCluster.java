package dev.entente.coordinator.publish;

import dev.entente.protocol.config.SecurityProperties;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The Kafka cluster this coordinator publishes {@code @Publish} messages to ({@code --kafka}). An
 * application names its cluster with its own {@code kafka} setting; the coordinator publishes only to
 * the one it was configured with, so a client cannot make it connect anywhere else. Every client of it
 * (the publishing producer, the marker topic's consumer, the admin client) speaks with the TLS and SASL
 * settings of {@code --kafka-client-properties}.
 */
public final class KafkaCluster {

    private final String bootstrapServers;
    private final Set<String> servers;
    private final SecurityProperties security;

    public KafkaCluster(String bootstrapServers, SecurityProperties security) {
        this.bootstrapServers = bootstrapServers;
        this.servers = normalize(bootstrapServers);
        this.security = security;
    }

    /** Whether an application's {@code kafka} setting names this cluster (the same host:port set). */
    public boolean isNamedBy(String applicationSetting) {
        return servers.equals(normalize(applicationSetting));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Settings every client of this cluster starts from. */
    Properties clientProperties() {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG, "use_all_dns_ips");
        security.addTo(properties);
        return properties;
    }

    private static Set<String> normalize(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public String toString() {
        return security.isEmpty() ? bootstrapServers : bootstrapServers + " (" + security + ")";
    }
}
