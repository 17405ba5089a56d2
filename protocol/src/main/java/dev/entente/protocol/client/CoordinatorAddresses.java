package dev.entente.protocol.client;

import java.util.ArrayList;
import java.util.List;

/** A parsed, validated list of coordinator client addresses ({@code host:port,host:port}). */
public final class CoordinatorAddresses {

    private CoordinatorAddresses() {
    }

    /**
     * Parses {@code value}; the message of the exception names {@code setting} and the bad part.
     *
     * @throws IllegalArgumentException if the list is empty or an entry is not {@code host:port}
     */
    public static List<String> parse(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + ": expected host:port[,host:port...], got nothing");
        }
        List<String> addresses = new ArrayList<>();
        for (String part : value.split(",")) {
            String address = part.trim();
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new IllegalArgumentException(setting + ": '" + address + "' is not host:port");
            }
            parsePort(setting, address, address.substring(colon + 1));
            addresses.add(address);
        }
        return List.copyOf(addresses);
    }

    private static void parsePort(String setting, String address, String port) {
        try {
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + ": '" + address + "' has no valid port (1-65535)");
        }
    }
}
