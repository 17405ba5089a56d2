package dev.entente.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rows of docs/configuration.md's supported-libraries table that a Spring Boot shop application runs
 * (their "tested with" names the artifact and the application, as the agent's declarations make them; the
 * agent's SupportedLibrariesTest keeps the table equal to those): each version named is the one on that
 * application's class path, which SpringBootStarterTest runs with the agent.
 */
class SupportedLibrariesInBootAppsTest {

    private static final Path CONFIGURATION = Path.of("..", "docs", "configuration.md");
    /** A row's "tested with" cell: {@code 7.0.2 (`com.zaxxer:HikariCP` in the Spring Boot shop `boot4`)}. */
    private static final Pattern IN_BOOT_APP = Pattern.compile(
            "\\| ([^|(]+) \\(`([^`:]+):([^`]+)` in the Spring Boot shop `boot([0-9]+)`\\) \\|$", Pattern.MULTILINE);

    @Test
    void eachVersionNamedAsRunByABootApplicationIsTheOneItRuns() throws IOException {
        Map<String, Integer> rowsPerApplication = new HashMap<>();
        Matcher row = IN_BOOT_APP.matcher(Files.readString(CONFIGURATION));
        while (row.find()) {
            String version = row.group(1).trim();
            String artifact = row.group(2) + ":" + row.group(3);
            int boot = Integer.parseInt(row.group(4));

            assertThat(versionsOnTheClassPath(boot, row.group(2), row.group(3))).as(artifact + " in boot" + boot)
                    .containsExactly(version);
            rowsPerApplication.merge("boot" + boot, 1, Integer::sum);
        }
        // the table's Boot rows as the agent declares them: Tomcat in each, HikariCP, Spring JDBC and Spring's transactions in Boot 4
        assertThat(rowsPerApplication).containsEntry("boot3", 1).containsEntry("boot4", 4);
    }

    /** The version directories of {@code group:artifact} among the jars of the Boot {@code boot} application's class path. */
    private static List<String> versionsOnTheClassPath(int boot, String group, String artifact) throws IOException {
        Path classPath = Path.of(System.getProperty("entente.shop.boot" + boot)).resolve("classpath.txt");
        String directory = "/" + group.replace('.', '/') + "/" + artifact + "/";
        return Arrays.stream(Files.readString(classPath).trim().split(File.pathSeparator))
                .filter(entry -> entry.contains(directory))
                .map(entry -> entry.substring(entry.indexOf(directory) + directory.length()).split("/")[0])
                .toList();
    }
}
