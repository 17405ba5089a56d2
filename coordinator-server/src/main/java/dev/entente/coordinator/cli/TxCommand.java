package dev.entente.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.coordinator.cli.AdminClient.AdminException;
import dev.entente.coordinator.cli.AdminClient.Reply;
import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import dev.entente.protocol.tls.PemFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * {@code entente tx list|show XID|resolve XID --commit|--rollback}: looks at the transactions of a
 * running coordinator cluster through its admin ports and, explicitly, settles a stuck one. Exit status
 * 0 on success, 1 when the coordinator refuses or cannot be reached, 2 on a bad command line.
 */
public final class TxCommand {

    static final CommandOption ADMIN = new CommandOption("admin", "H:P,...", "127.0.0.1:7071",
            "admin addresses of one or more coordinator nodes; the command asks them in turn which node leads and "
                    + "talks to the leader");
    static final CommandOption ADMIN_TOKEN_FILE = new CommandOption("admin-token-file", "F", "",
            "the file holding the admin token, needed by resolve (list and show take it too)");
    static final CommandOption ADMIN_READ_TOKEN_FILE = new CommandOption("admin-read-token-file", "F", "",
            "the file holding the read token of the admin ports' views, needed by list and show unless the admin token "
                    + "is given or the nodes run --admin-open-views (--dev writes it to DATA-DIR/admin-read-token)");
    static final CommandOption TLS_CA = new CommandOption("tls-ca", "F", "",
            "the authority (PEM) that signed the nodes' certificates: the admin ports of nodes with TLS material speak "
                    + "HTTPS, and the command trusts the certificates it signed");
    static final CommandOption COMMIT = CommandOption.toggle("commit",
            "the outcome resolve writes (an undecided transaction) or insists on (a decided one: refused if it was "
                    + "decided the other way)").onCommandLineOnly();
    static final CommandOption ROLLBACK = CommandOption.toggle("rollback", "likewise, a rollback").onCommandLineOnly();
    /** Every option of {@code entente tx}; the usage text and the table in docs/operations.md come from it. */
    public static final OptionTable TABLE = new OptionTable("ENTENTE_", List.of(ADMIN, ADMIN_TOKEN_FILE, ADMIN_READ_TOKEN_FILE, TLS_CA,
            COMMIT, ROLLBACK),
            OptionTable.Feature.ARGUMENTS);

    static final String USAGE = """
            usage: entente tx list [--admin H:P,...] [--admin-read-token-file F] [--tls-ca F]
                   entente tx show XID [--admin H:P,...] [--admin-read-token-file F] [--tls-ca F]
                   entente tx resolve XID --commit|--rollback [--admin H:P,...] [--admin-token-file F] [--tls-ca F]
            options (a flag beats the environment variable in brackets):
            """ + TABLE.usage();

    /** A bad command line; the message names the option. */
    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    TxCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new TxCommand(System.out, System.err, System.getenv()).run(args));
    }

    int run(String... args) {
        try {
            return execute(List.of(args));
        } catch (UsageException e) {
            err.println("entente tx: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (AdminException e) {
            err.println("entente tx: " + e.getMessage());
            return 1;
        }
    }

    private int execute(List<String> args) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            if (args.isEmpty()) {
                throw new UsageException("name a command: list, show or resolve");
            }
            out.print(USAGE);
            return 0;
        }
        GivenOptions given;
        try {
            given = TABLE.parse(args.toArray(String[]::new), env);
        } catch (InvalidOption e) {
            throw new UsageException(e.getMessage());
        }
        if (given.arguments().isEmpty()) {
            throw new UsageException("name a command: list, show or resolve");
        }
        String command = given.arguments().get(0);
        List<String> positional = given.arguments().subList(1, given.arguments().size());
        String admin = given.valueOrDefault(ADMIN);
        String tokenFile = given.value(ADMIN_TOKEN_FILE).orElse(null);
        Optional<String> readToken = given.value(ADMIN_READ_TOKEN_FILE).map(file -> token(ADMIN_READ_TOKEN_FILE, file))
                .or(() -> Optional.ofNullable(tokenFile).map(file -> token(ADMIN_TOKEN_FILE, file)));
        Optional<SSLContext> tls = given.value(TLS_CA).map(TxCommand::trusting);
        if (given.isOn(COMMIT) && given.isOn(ROLLBACK)) {
            throw new UsageException("--rollback: give one of --commit and --rollback, once");
        }
        String outcome = given.isOn(COMMIT) ? "commit" : given.isOn(ROLLBACK) ? "rollback" : null;
        List<String> addresses = Arrays.stream(admin.split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
        if (addresses.isEmpty()) {
            throw new UsageException("--admin: name at least one host:port");
        }
        if (outcome != null && !command.equals("resolve")) {
            throw new UsageException("--" + outcome + ": only resolve takes an outcome");
        }
        return switch (command) {
            case "list" -> {
                requireArguments(command, positional, 0);
                yield list(new AdminClient(addresses, readToken, Optional.empty(), tls));
            }
            case "show" -> {
                requireArguments(command, positional, 1);
                yield show(new AdminClient(addresses, readToken, Optional.empty(), tls), positional.get(0));
            }
            case "resolve" -> {
                requireArguments(command, positional, 1);
                if (outcome == null) {
                    throw new UsageException("resolve " + positional.get(0) + ": say --commit or --rollback");
                }
                if (tokenFile == null || tokenFile.isBlank()) {
                    throw new UsageException("resolve needs the admin token: give --admin-token-file F or set "
                            + "ENTENTE_ADMIN_TOKEN_FILE (--dev writes it to DATA-DIR/admin-token)");
                }
                String adminToken = token(ADMIN_TOKEN_FILE, tokenFile);
                yield resolve(new AdminClient(addresses, readToken, Optional.of(adminToken), tls), positional.get(0), outcome);
            }
            default -> throw new UsageException("unknown command '" + command + "' (list, show or resolve)");
        };
    }

    private static void requireArguments(String command, List<String> positional, int count) {
        if (positional.size() != count) {
            throw new UsageException(command + (count == 0 ? " takes no XID" : " needs exactly one XID")
                    + (positional.isEmpty() ? "" : ", got " + positional));
        }
    }

    private static String token(CommandOption option, String file) {
        try {
            String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new UsageException(option.flag() + ": " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UsageException(option.flag() + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** HTTPS that trusts the certificates the authority in {@code caFile} signed. */
    private static SSLContext trusting(String caFile) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {PemFiles.trustManager(TLS_CA.flag(), Path.of(caFile))}, null);
            return context;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new UsageException(TLS_CA.flag() + ": " + caFile + " (" + e.getMessage() + ")");
        }
    }

    private int list(AdminClient admin) {
        Reply reply = admin.transactions();
        if (reply.status() != 200) {
            return refused(reply);
        }
        TextTable table = new TextTable("XID", "STATE", "APP", "NAME", "AGE", "BRANCHES");
        for (JsonNode tx : reply.body()) {
            table.add(tx.path("xid").asText(), state(tx), tx.path("app").asText(), tx.path("name").asText(),
                    age(tx.path("begunAtMillis").asLong()), branchSummary(tx.path("branches")));
        }
        if (table.isEmpty()) {
            out.println("no live or in-doubt transactions");
        } else {
            table.print(out);
        }
        return 0;
    }

    private int show(AdminClient admin, String xid) {
        Reply reply = admin.transaction(xid);
        if (reply.status() != 200) {
            return refused(reply);
        }
        JsonNode tx = reply.body();
        out.println("xid:        " + tx.path("xid").asText());
        out.println("state:      " + state(tx));
        for (String field : new String[] {"name", "app", "reason"}) {
            if (!tx.path(field).asText().isEmpty()) {
                out.printf("%-11s %s%n", field + ":", tx.path(field).asText());
            }
        }
        if (tx.has("begunAtMillis")) {
            out.println("begun:      " + java.time.Instant.ofEpochMilli(tx.path("begunAtMillis").asLong())
                    + " (" + age(tx.path("begunAtMillis").asLong()) + " ago)");
        }
        if (tx.has("decidedAtMillis")) {
            out.println("decided:    " + java.time.Instant.ofEpochMilli(tx.path("decidedAtMillis").asLong()));
        }
        if (tx.has("timeoutMillis")) {
            out.println("timeout:    " + tx.path("timeoutMillis").asLong() + " ms");
        }
        if (tx.path("messages").asInt() > 0) {
            out.println("messages:   " + tx.path("messages").asInt() + " to publish");
        }
        if (tx.has("branches")) {
            TextTable branches = new TextTable("BRANCH", "RESOURCE", "INSTANCE", "VOTE", "PHASE 2");
            for (JsonNode branch : tx.path("branches")) {
                branches.add(branch.path("id").asText(), branch.path("resource").asText(), branch.path("instanceId").asText(),
                        branch.path("vote").asText(), branch.path("phaseTwo").asText("-"));
            }
            out.println();
            if (branches.isEmpty()) {
                out.println("no branches");
            } else {
                branches.print(out);
            }
            for (JsonNode branch : tx.path("branches")) {
                if (!branch.path("phaseTwoFailure").asText().isEmpty()) {
                    out.println("branch " + branch.path("id").asText() + ", last phase-2 failure: "
                            + branch.path("phaseTwoFailure").asText());
                }
            }
        }
        return 0;
    }

    private int resolve(AdminClient admin, String xid, String outcome) {
        Reply reply = admin.resolve(xid, outcome);
        if (reply.status() != 200) {
            return refused(reply);
        }
        out.println(xid + ": " + reply.body().path("state").asText() + " (" + reply.body().path("reason").asText() + ")");
        return 0;
    }

    private int refused(Reply reply) {
        err.println("entente tx: " + reply.error());
        return 1;
    }

    private static String state(JsonNode tx) {
        String state = tx.path("state").asText();
        if (tx.path("inDoubt").asBoolean()) {
            return state + ", in doubt";
        }
        return tx.path("phaseTwoDone").asBoolean() ? state + ", finished" : state;
    }

    private static String branchSummary(JsonNode branches) {
        List<String> parts = new ArrayList<>();
        for (JsonNode branch : branches) {
            parts.add(branch.path("id").asText() + ":" + branch.path("resource").asText() + " " + branch.path("vote").asText());
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static String age(long begunAtMillis) {
        if (begunAtMillis <= 0) {
            return "-";
        }
        long seconds = Math.max(0, (System.currentTimeMillis() - begunAtMillis) / 1000);
        return seconds < 120 ? seconds + " s" : seconds / 60 + " min";
    }
}
