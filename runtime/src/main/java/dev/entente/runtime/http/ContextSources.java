package dev.entente.runtime.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an incoming request's transaction context (its {@code entente-xid} header) is taken from: the
 * setting {@code accept-context-from}, {@code all} (the default), {@code none}, or addresses and CIDR ranges
 * ({@code 10.1.0.0/16,127.0.0.1,fd00::/8}). The address checked is the request's sender as the server reports
 * it (its TCP peer, unless the application told its servlet container to take a forwarded header); Entente
 * reads no forwarded-for header itself: whoever sends the request writes those.
 */
public final class ContextSources {

    /** Every sender: context propagates as it did before the setting existed. */
    public static final ContextSources ALL = new ContextSources("all", null);

    private final String described;
    private final List<Range> ranges; // null: all

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private ContextSources(String described, List<Range> ranges) {
        this.described = described;
        this.ranges = ranges;
    }

    /**
     * Parses the setting's value.
     *
     * @param setting names the setting and where it came from, for errors ("agent argument accept-context-from")
     * @throws IllegalArgumentException naming the setting and the entry that is neither an address nor a range
     */
    public static ContextSources parse(String setting, String value) {
        String trimmed = value.trim();
        if (trimmed.equalsIgnoreCase("all")) {
            return ALL;
        }
        if (trimmed.equalsIgnoreCase("none")) {
            return new ContextSources("none", List.of());
        }
        List<Range> ranges = new ArrayList<>();
        for (String entry : trimmed.split(",")) {
            ranges.add(range(setting, entry.trim()));
        }
        return new ContextSources(String.join(",", trimmed.split("\\s*,\\s*")), List.copyOf(ranges));
    }

    private static Range range(String setting, String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        // a literal only: a host name would be looked up in DNS, and could change under us
        if (!address.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw invalid(setting, entry);
        }
        byte[] network;
        try {
            network = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw invalid(setting, entry);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw invalid(setting, entry);
            }
            if (bits < 0 || bits > network.length * 8) {
                throw invalid(setting, entry);
            }
        }
        return new Range(network, bits);
    }

    private static IllegalArgumentException invalid(String setting, String entry) {
        return new IllegalArgumentException(setting + ": '" + entry + "' is not an IP address or a CIDR range such as "
                + "10.1.0.0/16 (or give all, or none)");
    }

    /** Whether context from {@code peer} is taken; an unknown peer only when all are. */
    public boolean accepts(InetAddress peer) {
        if (ranges == null) {
            return true;
        }
        if (peer == null) {
            return false;
        }
        byte[] address = peer.getAddress();
        return ranges.stream().anyMatch(range -> range.contains(address));
    }

    public boolean acceptsAll() {
        return ranges == null;
    }

    @Override
    public String toString() {
        return described;
    }
}
