package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.MockitoApp;
import dev.entente.agent.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's tests that mock with Mockito 5 (its inline mock maker, a Byte Buddy agent of its own)
 * run under Entente's agent without a warning: the agent leaves Mockito's classes alone (it once logged
 * "could not instrument org.mockito.internal.creation.bytebuddy.MockMethodAdvice" where nothing was wrong).
 */
@Timeout(120)
class MockitoUnderTheAgentTest {

    @TempDir
    Path work;

    @Test
    void mocksWorkAndTheAgentWarnsOfNothing() {
        String output = ServiceProcess.runWithLibraries(work, "mockito", "app=mockito",
                List.of("/org/mockito/", "/net/bytebuddy/", "/org/objenesis/"), MockitoApp.class);

        assertThat(output).contains("mocked: 7 first true");
        assertThat(output).doesNotContain("could not instrument").doesNotContain("[WARN]");
    }
}
