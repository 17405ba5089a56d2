package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.CounterService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent reads its classes and libraries from its own jar and writes no file of its own: not to
 * {@code java.io.tmpdir}, where a predictable folder of reused jars would let another local user plant
 * one (issue 18, item 6), and not anywhere, so it works on a read-only file system. Each test runs a
 * service with the agent and {@code java.io.tmpdir} pointed somewhere of the test's choosing, and commits
 * a global transaction on PostgreSQL through it (which starts the runtime, its gRPC channel included).
 */
@Timeout(180)
class AgentFilesTest {

    private static String url;

    @BeforeAll
    static void database() throws Exception {
        url = TestDatabases.postgres().createDatabase("agent_files");
        Shop.execute(url, "create table counters (name varchar(40) primary key, value bigint not null)");
        Shop.execute(url, "insert into counters values ('empty-tmp', 0), ('unwritable-tmp', 0)");
    }

    @Test
    void nothingIsWrittenToTheTemporaryFolder() throws Exception {
        Path work = Files.createTempDirectory("entente-agent-files");
        Path tmp = Files.createDirectories(work.resolve("tmp"));

        String reply = commitWith(work, tmp, "empty-tmp");

        assertThat(reply).isEqualTo("now 1");
        try (Stream<Path> written = Files.list(tmp)) {
            assertThat(written).as("files the agent wrote to java.io.tmpdir").isEmpty();
        }
    }

    @Test
    void theAgentWorksWhereTheTemporaryFolderCannotBeWritten() throws Exception {
        Path work = Files.createTempDirectory("entente-agent-files");
        // a regular file: nothing can be created under it, not even by root (whom permissions would not stop)
        Path tmp = Files.writeString(work.resolve("not-a-folder"), "");

        String reply = commitWith(work, tmp, "unwritable-tmp");

        assertThat(reply).isEqualTo("now 1");
        assertThat(Files.size(tmp)).isZero();
    }

    private static String commitWith(Path work, Path tmp, String counter) throws Exception {
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work, "--cluster-id", Shop.CLUSTER).start().awaitServing();
             ServiceProcess service = ServiceProcess.startWithOptions(work, "files", List.of("-Djava.io.tmpdir=" + tmp),
                     "coordinator=" + coordinator.clientAddress() + ",cluster=" + Shop.CLUSTER + ",app=files",
                     CounterService.class, url, "-")) {
            HttpResponse<String> reply = service.post("/increment-unlocked?name=" + counter);
            assertThat(reply.statusCode()).as(reply.body() + "\n" + service.log()).isEqualTo(200);
            assertThat(Shop.count(url, "select value from counters where name = '" + counter + "'")).isEqualTo(1);
            return reply.body().trim();
        }
    }
}
