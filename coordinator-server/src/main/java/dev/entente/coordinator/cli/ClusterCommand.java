package dev.entente.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.coordinator.backup.LeaderSnapshots;
import dev.entente.coordinator.backup.SnapshotBackup;
import dev.entente.coordinator.cli.AdminClient.AdminException;
import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.options.OptionTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code entente cluster}: the coordinator cluster as a whole, through its leader's admin port; needs the
 * admin token.
 * <ul>
 * <li>{@code list}: the members, with their addresses and which one leads;</li>
 * <li>{@code add ID=HOST:PORT}, {@code remove ID}: changes the members one node at a time while transactions
 * run (a node added must be running, started with {@code --peers} naming the members and itself);</li>
 * <li>{@code snapshot --out FOLDER}: an online backup. The leader snapshots its transaction table (every
 * decision, every unfinished phase 2) and the command copies the snapshot out with its log index; a fresh
 * cluster starts from it with {@code --restore-from FOLDER}.</li>
 * </ul>
 * Exit status 0 on success, 1 when the coordinator refuses or cannot be reached, 2 on a bad command line.
 */
public final class ClusterCommand extends AdminCommand {

    static final CommandOption OUT = new CommandOption("out", "FOLDER", "",
            "snapshot: the folder the backup is written to; it must be new or empty").onCommandLineOnly();
    /** Every option of {@code entente cluster}; the usage text and the table in docs/operations.md come from it. */
    public static final OptionTable TABLE = new OptionTable("ENTENTE_", List.of(AdminOptions.ADMIN,
            AdminOptions.ADMIN_TOKEN_FILE, AdminOptions.TLS_CA, OUT), OptionTable.Feature.ARGUMENTS);

    static final String USAGE = """
            usage: entente cluster list [--admin H:P,...] [--admin-token-file F] [--tls-ca F]
                   entente cluster add ID=HOST:RAFTPORT [--admin H:P,...] [--admin-token-file F] [--tls-ca F]
                   entente cluster remove ID [--admin H:P,...] [--admin-token-file F] [--tls-ca F]
                   entente cluster snapshot --out FOLDER [--admin H:P,...] [--admin-token-file F] [--tls-ca F]
            options (a flag beats the environment variable in brackets):
            """ + TABLE.usage();

    ClusterCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        super("cluster", TABLE, USAGE, "list, add, remove or snapshot", out, err, env);
    }

    public static void main(String[] args) {
        System.exit(new ClusterCommand(System.out, System.err, System.getenv()).run(args));
    }

    @Override
    int execute(String command, List<String> arguments, GivenOptions given) {
        if (given.isGiven(OUT) && !command.equals("snapshot")) {
            throw new UsageException("--out: only snapshot writes a backup");
        }
        return switch (command) {
            case "list" -> {
                requireArguments(command, arguments, 0, "");
                yield list(client(given, command));
            }
            case "add" -> {
                requireArguments(command, arguments, 1, "the new node as ID=HOST:RAFTPORT");
                yield members(client(given, command).addMember(arguments.get(0)));
            }
            case "remove" -> {
                requireArguments(command, arguments, 1, "the id of the node to remove");
                yield members(client(given, command).removeMember(arguments.get(0)));
            }
            case "snapshot" -> {
                requireArguments(command, arguments, 0, "");
                yield snapshot(given);
            }
            default -> throw new UsageException("unknown command '" + command + "' (list, add, remove or snapshot)");
        };
    }

    private static void requireArguments(String command, List<String> arguments, int count, String what) {
        if (arguments.size() != count) {
            throw new UsageException(command + (count == 0 ? " takes no arguments" : " needs " + what)
                    + (arguments.isEmpty() ? "" : ", got " + arguments));
        }
    }

    private static AdminClient client(GivenOptions given, String command) {
        AdminOptions.requireAdminToken(given, command);
        return AdminOptions.client(given, true);
    }

    private int list(AdminClient admin) {
        JsonNode cluster = answered(admin.cluster());
        out.println("cluster " + cluster.path("clusterId").asText() + ", leader " + cluster.path("leaderId").asText()
                + " in term " + cluster.path("term").asLong());
        return printMembers(cluster);
    }

    private int members(AdminClient.Reply reply) {
        return printMembers(answered(reply));
    }

    private static JsonNode answered(AdminClient.Reply reply) {
        if (reply.status() != 200) {
            throw new AdminException(reply.error());
        }
        return reply.body();
    }

    /** Prints the members {@code view} names, the leader marked. */
    private int printMembers(JsonNode view) {
        String leader = view.path("leaderId").asText("");
        TextTable table = new TextTable("NODE", "RAFT", "CLIENT", "ADMIN", "");
        for (JsonNode member : view.path("peers")) {
            String id = member.path("id").asText();
            table.add(id, member.path("raftAddress").asText(), member.path("clientAddress").asText(),
                    member.path("adminAddress").asText(), id.equals(leader) ? "leader" : "");
        }
        table.print(out);
        return 0;
    }

    private int snapshot(GivenOptions given) {
        Path folder = given.value(OUT).filter(value -> !value.isBlank()).map(Path::of)
                .orElseThrow(() -> new UsageException("snapshot needs --out FOLDER, a new or empty folder for the backup"));
        try {
            SnapshotBackup.requireEmptyFolder(folder);
        } catch (IllegalArgumentException e) {
            throw new UsageException(OUT.flag() + ": " + e.getMessage());
        }
        AdminClient.Snapshot snapshot = client(given, "snapshot").snapshot();
        SnapshotBackup backup;
        try (InputStream content = snapshot.content()) {
            backup = SnapshotBackup.write(folder, snapshot.header(LeaderSnapshots.CLUSTER_ID_HEADER),
                    number(snapshot, LeaderSnapshots.TERM_HEADER), number(snapshot, LeaderSnapshots.INDEX_HEADER),
                    snapshot.header(LeaderSnapshots.NODE_ID_HEADER), content, snapshot.header(LeaderSnapshots.MD5_HEADER));
        } catch (IOException e) {
            throw new AdminException("writing the backup to " + folder + ": " + e.getMessage());
        }
        out.println("wrote " + backup.describe() + " to " + folder);
        out.println("restore: start each node of a new cluster with --restore-from " + folder + " (see docs/operations.md)");
        return 0;
    }

    private static long number(AdminClient.Snapshot snapshot, String header) {
        try {
            return Long.parseLong(snapshot.header(header));
        } catch (NumberFormatException e) {
            throw new AdminException("the leader's snapshot came with a " + header + " that is no number: " + e.getMessage());
        }
    }
}
