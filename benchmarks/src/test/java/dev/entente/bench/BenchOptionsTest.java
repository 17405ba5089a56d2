package dev.entente.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.bench.coordinator.CoordinatorBench;
import dev.entente.options.DocsTable;
import dev.entente.options.InvalidOption;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every driver's options come from its table ({@link Bench#DRIVERS}): the parser, {@code bench help}, each driver's
 * {@code --help} and docs/benchmarks.md's tables. Nothing is started here.
 */
class BenchOptionsTest {

    @Test
    void docsHoldTheTablesTheOptionsMake() throws Exception {
        for (Bench.Driver driver : Bench.DRIVERS) {
            assertThat(DocsTable.section(Path.of("..", "docs", "benchmarks.md"),
                    "bench " + driver.name() + " options: generated from Bench.DRIVERS; BenchOptionsTest keeps it so"))
                    .as("docs/benchmarks.md's table of bench " + driver.name() + "; replace it with the expected text")
                    .isEqualTo(driver.options().markdown());
        }
    }

    @Test
    void theUsageNamesEveryDriverAndEveryOption() throws Exception {
        String help = run("help");
        for (Bench.Driver driver : Bench.DRIVERS) {
            assertThat(help).contains("  " + driver.name() + "\n");
            String driverHelp = run(driver.name(), "--help");
            for (var option : driver.options().options()) {
                assertThat(help).contains("[" + option.synopsis() + "]");
                assertThat(driverHelp).contains(option.synopsis());
            }
        }
    }

    @Test
    void theOptionsComeFromTheCommandLineOnlyWithTheDriversDefaults() {
        Options given = new Options(CoordinatorBench.OPTIONS, "--nodes", "3", "--seconds", "0.5");

        assertThat(given.numbers(find(CoordinatorBench.OPTIONS, "nodes"))).containsExactly(3);
        assertThat(given.seconds(find(CoordinatorBench.OPTIONS, "seconds")).toMillis()).isEqualTo(500);
        assertThat(given.seconds(find(CoordinatorBench.OPTIONS, "warmup")).toSeconds()).as("row 1's own default").isEqualTo(2);
        assertThat(given.numbers(find(CoordinatorBench.OPTIONS, "concurrency"))).containsExactly(1, 4, 16, 64, 256);
        assertThat(CoordinatorBench.OPTIONS.parse(new String[0], Map.of("ENTENTE_BENCH_RUNS", "1", "ENTENTE_RUNS", "1")).isGiven(LoadOptions.RUNS))
                .as("no environment variable is read").isFalse();
    }

    @Test
    void aBadOptionIsRefusedNamingItWithTheDriversUsage() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Bench.run(new String[] {"coordinator", "--clients", "4"}, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
            assertThat(Bench.run(new String[] {"locked", "--keys", "many"}, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
        } finally {
            System.setErr(stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("entente bench coordinator: --clients: unknown option (see --help)")
                .contains("usage: entente bench coordinator [--systems LIST] [--nodes N,...]")
                .contains("entente bench locked: --keys: expected a whole number from 0 to 2147483647, got 'many'");
        assertThatThrownBy(() -> new Options(CoordinatorBench.OPTIONS, "--nodes", "1,x").numbers(find(CoordinatorBench.OPTIONS, "nodes")))
                .isInstanceOf(InvalidOption.class).hasMessage("--nodes: expected comma-separated whole numbers, got '1,x'");
    }

    private static dev.entente.options.CommandOption find(dev.entente.options.OptionTable table, String name) {
        return table.options().stream().filter(option -> option.name().equals(name)).findFirst().orElseThrow();
    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertThat(Bench.run(args, out)).isZero();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
