package dev.entente.coordinator.cli;

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
 * {@code entente cluster snapshot --out FOLDER}: an online backup. The leader snapshots its transaction table
 * (every decision, every unfinished phase 2) and the command copies the snapshot out with its log index;
 * a fresh cluster starts from it with {@code --restore-from FOLDER}. Needs the admin token. Exit status 0
 * on success, 1 when the coordinator refuses or cannot be reached, 2 on a bad command line.
 */
public final class ClusterCommand extends AdminCommand {

    static final CommandOption OUT = new CommandOption("out", "FOLDER", "",
            "snapshot: the folder the backup is written to; it must be new or empty").onCommandLineOnly();
    /** Every option of {@code entente cluster}; the usage text and the table in docs/operations.md come from it. */
    public static final OptionTable TABLE = new OptionTable("ENTENTE_", List.of(AdminOptions.ADMIN,
            AdminOptions.ADMIN_TOKEN_FILE, AdminOptions.TLS_CA, OUT), OptionTable.Feature.ARGUMENTS);

    static final String USAGE = """
            usage: entente cluster snapshot --out FOLDER [--admin H:P,...] [--admin-token-file F] [--tls-ca F]
            options (a flag beats the environment variable in brackets):
            """ + TABLE.usage();

    ClusterCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        super("cluster", TABLE, USAGE, "snapshot", out, err, env);
    }

    public static void main(String[] args) {
        System.exit(new ClusterCommand(System.out, System.err, System.getenv()).run(args));
    }

    @Override
    int execute(String command, List<String> arguments, GivenOptions given) {
        if (!command.equals("snapshot")) {
            throw new UsageException("unknown command '" + command + "' (snapshot)");
        }
        if (!arguments.isEmpty()) {
            throw new UsageException("snapshot takes no arguments, got " + arguments);
        }
        return snapshot(given);
    }

    private int snapshot(GivenOptions given) {
        Path folder = given.value(OUT).filter(value -> !value.isBlank()).map(Path::of)
                .orElseThrow(() -> new UsageException("snapshot needs --out FOLDER, a new or empty folder for the backup"));
        try {
            SnapshotBackup.requireEmptyFolder(folder);
        } catch (IllegalArgumentException e) {
            throw new UsageException(OUT.flag() + ": " + e.getMessage());
        }
        AdminOptions.requireAdminToken(given, "snapshot");
        AdminClient.Snapshot snapshot = AdminOptions.client(given, true).snapshot();
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
