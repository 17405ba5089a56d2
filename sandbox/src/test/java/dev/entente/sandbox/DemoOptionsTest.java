package dev.entente.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.options.DocsTable;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code entente demo}'s options come from {@link DemoOptions#TABLE}: the parser, the usage and sample-apps/README.md's table. */
class DemoOptionsTest {

    @Test
    void docsHoldTheTableTheOptionsMake() throws Exception {
        assertThat(DocsTable.section(Path.of("..", "sample-apps", "README.md"),
                "demo options: generated from DemoOptions; DemoOptionsTest keeps it so"))
                .as("sample-apps/README.md's option table; replace it with the expected text").isEqualTo(DemoOptions.TABLE.markdown());
        for (var option : DemoOptions.TABLE.options()) {
            assertThat(DemoOptions.USAGE).contains(option.synopsis());
        }
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheDefault() {
        Map<String, String> environment = Map.of("ENTENTE_DEMO_ORDERS", "50", "ENTENTE_DEMO_CONCURRENCY", "4",
                "ENTENTE_DEMO_CHAOS", "true", "ENTENTE_DEMO_WRONG_COORDINATOR", "true");

        DemoOptions options = DemoOptions.parse(new String[] {"--concurrency", "2", "--seed", "7"}, environment);

        assertThat(options.orders()).as("the environment").isEqualTo(50);
        assertThat(options.concurrency()).as("the flag over the environment").isEqualTo(2);
        assertThat(options.chaos()).as("the environment").isTrue();
        assertThat(options.seed()).isEqualTo(7);
        assertThat(options.misconfigured()).as("a command-line-only switch ignores the environment").isFalse();
        assertThat(options.springBoot()).as("the default").isFalse();
        assertThat(DemoOptions.parse().orders()).as("the default").isEqualTo(200);
    }

    @Test
    void errorsNameTheOptionAndWhereItWasGiven() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {}, Map.of("ENTENTE_DEMO_ORDERS", "0")))
                .hasMessage("ENTENTE_DEMO_ORDERS: expected a whole number from 1 to 1000000, got '0'");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {}, Map.of("ENTENTE_DEMO_CHAOS", "yes")))
                .hasMessage("ENTENTE_DEMO_CHAOS: expected true or false, got 'yes'");
        assertThatThrownBy(() -> DemoOptions.parse("--orders")).hasMessage("--orders: needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--order", "5")).hasMessage("--order: unknown option (see --help)");
    }
}
