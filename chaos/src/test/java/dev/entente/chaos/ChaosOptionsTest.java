package dev.entente.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.options.DocsTable;
import dev.entente.options.InvalidOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entente chaos}'s options come from {@link ChaosOptions#TABLE}: the parser, the usage and docs/reliability.md's table. */
class ChaosOptionsTest {

    @Test
    void docsHoldTheTableTheOptionsMake() throws Exception {
        assertThat(DocsTable.section(Path.of("..", "docs", "reliability.md"),
                "chaos options: generated from ChaosOptions; ChaosOptionsTest keeps it so"))
                .as("docs/reliability.md's option table; replace it with the expected text").isEqualTo(ChaosOptions.TABLE.markdown());
        for (var option : ChaosOptions.TABLE.options()) {
            assertThat(ChaosOptions.USAGE).contains(option.synopsis()).contains(ChaosOptions.TABLE.environmentVariable(option));
        }
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault(@TempDir Path work) throws Exception {
        Path config = Files.writeString(work.resolve("campaign.properties"), "runs=20\nseed=1000\nduration=2m\nconcurrency=6\n");
        Map<String, String> environment = Map.of("ENTENTE_CHAOS_CONFIG", config.toString(), "ENTENTE_CHAOS_SEED", "2000",
                "ENTENTE_CHAOS_CONCURRENCY", "8", "ENTENTE_CHAOS_WORK", work.resolve("logs").toString());

        ChaosOptions options = ChaosOptions.parse(new String[] {"--concurrency", "2"}, environment);

        assertThat(options.runs()).as("from the file").isEqualTo(20);
        assertThat(options.duration().toMinutes()).as("from the file").isEqualTo(2);
        assertThat(options.seed()).as("the environment over the file").isEqualTo(2000);
        assertThat(options.concurrency()).as("the flag over both").isEqualTo(2);
        assertThat(options.work()).as("the environment").isEqualTo(work.resolve("logs")).isDirectory();
        assertThat(options.plantedBug()).as("the default").isEqualTo(PlantedBug.NONE);
        assertThat(ChaosOptions.parse("--work", work.toString()).duration().toSeconds()).as("the default").isEqualTo(60);
    }

    @Test
    void errorsNameTheOptionAndWhereItWasGiven(@TempDir Path work) throws Exception {
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {}, Map.of("ENTENTE_CHAOS_DURATION", "5s")))
                .isInstanceOf(InvalidOption.class).hasMessage("ENTENTE_CHAOS_DURATION: at least 10s, got '5s'");
        assertThatThrownBy(() -> ChaosOptions.parse("--duration", "1h"))
                .hasMessage("--duration: expected seconds, or a number then s or m (90s, 2m), got '1h'");
        assertThatThrownBy(() -> ChaosOptions.parse("--runs", "0")).hasMessage("--runs: expected a whole number from 1 to 100000, got '0'");
        assertThatThrownBy(() -> ChaosOptions.parse("--planted-bug", "skip-prepare"))
                .hasMessage("--planted-bug: expected one of commit-without-asking, publish-twice, got 'skip-prepare'");
        assertThatThrownBy(() -> ChaosOptions.parse("--planted-bug")).hasMessage("--planted-bug: needs a value");
        Path config = Files.writeString(work.resolve("bad.properties"), "planted-bug=skip-prepare\n");
        assertThatThrownBy(() -> ChaosOptions.parse("--config", config.toString()))
                .hasMessage("planted-bug in " + config + ": expected one of commit-without-asking, publish-twice, got 'skip-prepare'");
        assertThatThrownBy(() -> ChaosOptions.parse("--seeds", "3")).hasMessage("--seeds: unknown option (see --help)");
    }
}
