package dev.entente.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.runtime.Settings;
import java.net.InetAddress;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The setting accept-context-from: which senders' transaction context is taken, and bad values named. */
class ContextSourcesTest {

    private static ContextSources parse(String value) {
        return ContextSources.parse("agent argument accept-context-from", value);
    }

    private static InetAddress address(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void allIsTheDefaultAndAcceptsEveryone() throws Exception {
        ContextSources sources = Settings.resolve(Map.of("app", "orders"), Map.of(), new Properties()).acceptContextFrom();
        assertThat(sources.acceptsAll()).isTrue();
        assertThat(sources.accepts(address("203.0.113.9"))).isTrue();
    }

    @Test
    void noneAcceptsNoOne() throws Exception {
        assertThat(parse("none").accepts(address("127.0.0.1"))).isFalse();
    }

    @Test
    void rangesAcceptTheirAddressesOnly() throws Exception {
        ContextSources sources = parse("10.1.0.0/16, 192.168.7.3,fd00::/8,172.16.0.0/12");
        assertThat(sources.accepts(address("10.1.255.4"))).isTrue();
        assertThat(sources.accepts(address("10.2.0.1"))).isFalse();
        assertThat(sources.accepts(address("192.168.7.3"))).isTrue();
        assertThat(sources.accepts(address("192.168.7.4"))).isFalse();
        assertThat(sources.accepts(address("172.31.255.255"))).isTrue();
        assertThat(sources.accepts(address("172.32.0.0"))).isFalse();
        assertThat(sources.accepts(address("fd12::1"))).isTrue();
        assertThat(sources.accepts(address("fe80::1"))).isFalse();
        assertThat(sources.accepts(address("::ffff:10.1.0.9"))).as("an IPv4 address written as IPv6").isTrue();
        assertThat(sources.accepts(null)).as("an unknown sender").isFalse();
        assertThat(sources).hasToString("10.1.0.0/16,192.168.7.3,fd00::/8,172.16.0.0/12");
    }

    @Test
    void aValueThatIsNoAddressStopsStartUpNamingTheSettingAndTheEntry() {
        for (String bad : new String[] {"orders.internal", "10.0.0.0/33", "10.0.0/8x", "fd00::/129", "10.0.0.0/-1"}) {
            assertThatThrownBy(() -> Settings.resolve(Map.of("app", "orders"),
                    Map.of("ENTENTE_ACCEPT_CONTEXT_FROM", "10.0.0.1," + bad), new Properties()))
                    .as(bad).isInstanceOf(Settings.InvalidSetting.class)
                    .hasMessage("environment variable ENTENTE_ACCEPT_CONTEXT_FROM: '" + bad + "' is not an IP address or a CIDR "
                            + "range such as 10.1.0.0/16 (or give all, or none)");
        }
    }
}
