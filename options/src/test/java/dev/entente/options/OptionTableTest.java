package dev.entente.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table itself: precedence, switches, command-line-only options and tables, and what usage and docs show. */
class OptionTableTest {

    private static final CommandOption RUNS = new CommandOption("runs", "N", "1", "how many runs");
    private static final CommandOption QUIET = CommandOption.toggle("quiet", "print less");
    private static final CommandOption ONCE = CommandOption.toggle("once", "this invocation only").onCommandLineOnly();
    private static final OptionTable TABLE = new OptionTable("ENTENTE_TEST_", List.of(RUNS, QUIET, ONCE), OptionTable.Feature.CONFIG_FILE);

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("test.properties"), "runs=3\nquiet=true\n");

        assertThat(TABLE.parse(new String[] {}, Map.of()).number(RUNS, 1, 9)).isEqualTo(1);
        assertThat(TABLE.parse(new String[] {"--config", file.toString()}, Map.of()).number(RUNS, 1, 9)).isEqualTo(3);
        GivenOptions given = TABLE.parse(new String[] {}, Map.of("ENTENTE_TEST_CONFIG", file.toString(), "ENTENTE_TEST_RUNS", "5"));
        assertThat(given.number(RUNS, 1, 9)).isEqualTo(5);
        assertThat(given.source(RUNS)).isEqualTo("ENTENTE_TEST_RUNS");
        assertThat(given.isOn(QUIET)).as("from the file").isTrue();
        assertThat(TABLE.parse(new String[] {"--runs", "7"}, Map.of("ENTENTE_TEST_RUNS", "5")).number(RUNS, 1, 9)).isEqualTo(7);
    }

    @Test
    void aCommandLineOnlyOptionIgnoresTheEnvironmentAndIsRefusedInTheFile(@TempDir Path work) throws Exception {
        assertThat(TABLE.parse(new String[] {}, Map.of("ENTENTE_TEST_ONCE", "true")).isOn(ONCE)).isFalse();
        Path file = Files.writeString(work.resolve("test.properties"), "once=true\n");
        assertThatThrownBy(() -> TABLE.parse(new String[] {"--config", file.toString()}, Map.of()))
                .isInstanceOf(InvalidOption.class).hasMessageStartingWith("once in " + file + ": unknown option");
    }

    @Test
    void aCommandLineOnlyTableReadsNoEnvironmentAndShowsNoVariables() {
        OptionTable flags = OptionTable.commandLineOnly(List.of(RUNS, QUIET));

        assertThat(flags.parse(new String[] {}, Map.of("ENTENTE_TEST_RUNS", "5", "RUNS", "5")).isGiven(RUNS)).isFalse();
        assertThat(flags.markdown()).startsWith("| option | default | meaning |\n|---|---|---|\n")
                .contains("| `--runs N` | 1 | how many runs |");
        assertThat(flags.usage()).doesNotContain("[");
        assertThat(flags.synopsis()).isEqualTo("[--runs N] [--quiet]");
        assertThatThrownBy(() -> OptionTable.commandLineOnly(List.of(RUNS), OptionTable.Feature.CONFIG_FILE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOptionWithAnotherDefaultIsTheSameOptionToItsTable() {
        CommandOption fewer = RUNS.withDefault("2");
        OptionTable table = OptionTable.commandLineOnly(List.of(fewer));

        assertThat(table.parse(new String[] {}, Map.of()).valueOrDefault(fewer)).isEqualTo("2");
        assertThat(table.parse(new String[] {"--runs", "4"}, Map.of()).number(fewer, 1, 9)).isEqualTo(4);
        assertThat(table.markdown()).contains("| `--runs N` | 2 | how many runs |");
    }

    @Test
    void badInputIsRefusedNamingTheOptionAndWhereItWasGiven() {
        assertThatThrownBy(() -> TABLE.parse(new String[] {"--runs"}, Map.of())).hasMessage("--runs: needs a value");
        assertThatThrownBy(() -> TABLE.parse(new String[] {"--runs", "1", "--runs", "2"}, Map.of())).hasMessage("--runs: given twice");
        assertThatThrownBy(() -> TABLE.parse(new String[] {"--run", "1"}, Map.of())).hasMessage("--run: unknown option (see --help)");
        assertThatThrownBy(() -> TABLE.parse(new String[] {}, Map.of("ENTENTE_TEST_QUIET", "yes")))
                .hasMessage("ENTENTE_TEST_QUIET: expected true or false, got 'yes'");
        assertThatThrownBy(() -> TABLE.parse(new String[] {}, Map.of("ENTENTE_TEST_RUNS", "0")).number(RUNS, 1, 9))
                .hasMessage("ENTENTE_TEST_RUNS: expected a whole number from 1 to 9, got '0'");
        assertThat(OptionTable.asksForHelp("--runs", "1", "-h")).isTrue();
        assertThat(OptionTable.asksForHelp("--runs", "1")).isFalse();
    }

    @Test
    void aDocsSectionIsTheTextBetweenItsMarkerAndTheEnd(@TempDir Path work) throws Exception {
        Path page = Files.writeString(work.resolve("page.md"), "# Page\n\n<!-- t options -->\n| a |\n<!-- end of options -->\nmore\n");

        assertThat(DocsTable.section(page, "t options")).isEqualTo("| a |\n");
        assertThatThrownBy(() -> DocsTable.section(page, "u options")).hasMessageContaining("no line <!-- u options -->");
    }
}
