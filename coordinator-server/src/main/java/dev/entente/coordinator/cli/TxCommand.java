package dev.entente.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.coordinator.cli.AdminClient.Reply;
import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.options.OptionTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code entente tx list|show XID|resolve XID --commit|--rollback|--drop-refused}: looks at the
 * transactions of a running coordinator cluster through its admin ports and, explicitly, settles a
 * stuck one, or drops the messages of a committed one that Kafka refused for good. Exit status
 * 0 on success, 1 when the coordinator refuses or cannot be reached, 2 on a bad command line.
 */
public final class TxCommand extends AdminCommand {

    static final CommandOption COMMIT = CommandOption.toggle("commit",
            "the outcome resolve writes (an undecided transaction) or insists on (a decided one: refused if it was "
                    + "decided the other way)").onCommandLineOnly();
    static final CommandOption ROLLBACK = CommandOption.toggle("rollback", "likewise, a rollback").onCommandLineOnly();
    static final CommandOption DROP_REFUSED = CommandOption.toggle("drop-refused",
            "resolve drops the messages of a committed transaction that Kafka refused for good (tx show names them; "
                    + "they are never published) and its other messages are published").onCommandLineOnly();
    /** Every option of {@code entente tx}; the usage text and the table in docs/operations.md come from it. */
    public static final OptionTable TABLE = new OptionTable("ENTENTE_", List.of(AdminOptions.ADMIN,
            AdminOptions.ADMIN_TOKEN_FILE, AdminOptions.ADMIN_READ_TOKEN_FILE, AdminOptions.TLS_CA, COMMIT, ROLLBACK, DROP_REFUSED),
            OptionTable.Feature.ARGUMENTS);

    static final String USAGE = """
            usage: entente tx list [--admin H:P,...] [--admin-read-token-file F] [--tls-ca F]
                   entente tx show XID [--admin H:P,...] [--admin-read-token-file F] [--tls-ca F]
                   entente tx resolve XID --commit|--rollback|--drop-refused [--admin H:P,...] [--admin-token-file F] [--tls-ca F]
            options (a flag beats the environment variable in brackets):
            """ + TABLE.usage();

    TxCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        super("tx", TABLE, USAGE, "list, show or resolve", out, err, env);
    }

    public static void main(String[] args) {
        System.exit(new TxCommand(System.out, System.err, System.getenv()).run(args));
    }

    @Override
    int execute(String command, List<String> positional, GivenOptions given) {
        if (Stream.of(COMMIT, ROLLBACK, DROP_REFUSED).filter(given::isOn).count() > 1) {
            throw new UsageException((given.isOn(ROLLBACK) ? ROLLBACK : DROP_REFUSED).flag()
                    + ": give one of --commit, --rollback and --drop-refused, once");
        }
        String outcome = given.isOn(COMMIT) ? "commit" : given.isOn(ROLLBACK) ? "rollback"
                : given.isOn(DROP_REFUSED) ? "drop-refused" : null;
        if (outcome != null && !command.equals("resolve")) {
            throw new UsageException("--" + outcome + ": only resolve takes an outcome");
        }
        return switch (command) {
            case "list" -> {
                requireArguments(command, positional, 0);
                yield list(AdminOptions.client(given, false));
            }
            case "show" -> {
                requireArguments(command, positional, 1);
                yield show(AdminOptions.client(given, false), positional.get(0));
            }
            case "resolve" -> {
                requireArguments(command, positional, 1);
                if (outcome == null) {
                    throw new UsageException("resolve " + positional.get(0) + ": say --commit, --rollback or --drop-refused");
                }
                AdminOptions.requireAdminToken(given, "resolve");
                yield resolve(AdminOptions.client(given, true), positional.get(0), outcome);
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
        showRefusals(tx);
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

    /** Messages Kafka refused for good: whether they hold up the transaction's messages, or were dropped. */
    private void showRefusals(JsonNode tx) {
        JsonNode refused = tx.path("refusedMessages");
        if (tx.path("publishStuck").asBoolean()) {
            out.println("publishing: stuck: Kafka refused " + count(refused, false) + " of its " + tx.path("messages").asInt()
                    + " messages, so none is sent; once the cause is fixed 'tx resolve " + tx.path("xid").asText()
                    + " --commit' sends them again, '--drop-refused' drops the refused ones");
        }
        for (JsonNode message : refused) {
            boolean dropped = message.path("droppedAtMillis").asLong() > 0;
            out.println((dropped ? "dropped:    " : "refused:    ") + "message " + message.path("messageId").asText()
                    + " for topic '" + message.path("topic").asText() + "' at "
                    + java.time.Instant.ofEpochMilli(message.path("refusedAtMillis").asLong()) + ": " + message.path("reason").asText()
                    + (dropped ? " (dropped by an operator at " + java.time.Instant.ofEpochMilli(message.path("droppedAtMillis").asLong())
                    + "; never published)" : ""));
        }
    }

    private static long count(JsonNode refused, boolean dropped) {
        long count = 0;
        for (JsonNode message : refused) {
            if ((message.path("droppedAtMillis").asLong() > 0) == dropped) {
                count++;
            }
        }
        return count;
    }

    private int resolve(AdminClient admin, String xid, String outcome) {
        Reply reply = outcome.equals("drop-refused") ? admin.dropRefused(xid) : admin.resolve(xid, outcome);
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
            return state + ", in doubt" + (tx.path("publishStuck").asBoolean() ? " (messages stuck)" : "");
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
