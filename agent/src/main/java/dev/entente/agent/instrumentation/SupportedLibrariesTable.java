package dev.entente.agent.instrumentation;

import java.util.List;

/**
 * The supported-libraries table of docs/configuration.md, made from the integrations' own declarations
 * ({@link InstrumentationModule#supportedLibraries()}); a test keeps the page's copy equal to it.
 */
public final class SupportedLibrariesTable {

    private SupportedLibrariesTable() {
    }

    public static String markdown(List<InstrumentationModule> modules) {
        StringBuilder table = new StringBuilder("| integration | turned off by | library | versions | tested with |\n")
                .append("|---|---|---|---|---|\n");
        for (InstrumentationModule module : modules) {
            for (SupportedLibrary library : module.supportedLibraries()) {
                table.append("| `").append(module.name()).append("` | `entente.").append(module.enabledSetting())
                        .append("=false` | ").append(library.library()).append(" | ").append(library.versions())
                        .append(" | ").append(library.testedWhere()).append(" |\n");
            }
        }
        return table.toString();
    }
}
