package dev.entente.samples.shop;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options of a service, each required unless it has a default. */
public final class Arguments {

    private final String service;
    private final Map<String, String> values = new HashMap<>();

    public Arguments(String service, String usage, String[] args) {
        this.service = service;
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                fail("unexpected argument '" + args[i] + "'\nusage: " + usage);
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    public String get(String name) {
        String value = values.get(name);
        if (value == null) {
            fail("missing option --" + name);
        }
        return value;
    }

    public int port() {
        try {
            return Integer.parseInt(get("port"));
        } catch (NumberFormatException e) {
            fail("--port must be a number, not '" + values.get("port") + "'");
            return -1;
        }
    }

    private void fail(String message) {
        System.err.println(service + ": " + message);
        System.exit(2);
    }
}
