package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.OwnLibrariesApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An application that ships its own, different versions of gRPC, Netty, Protobuf, Guava and kafka-clients
 * runs with the agent, and both work: the application's calls run on its versions (each class comes from
 * the application's jar), and its {@code @GlobalTransactional} write commits through the agent, whose own
 * gRPC, Netty, Protobuf and Guava live in its isolated class loader. The application's jars are copied by
 * the build to a folder of their own ({@code maven-dependency-plugin}, see agent/pom.xml), since on the
 * test class path Maven would unify their versions with the agent's.
 */
@Timeout(180)
class OwnLibrariesIsolationTest {

    @Test
    void theApplicationsLibrariesAndTheAgentsWorkSideBySide() throws Exception {
        Path work = Files.createTempDirectory("entente-isolation");
        Path libraries = Path.of(System.getProperty("entente.isolation-app.libraries"));
        String ordersUrl = TestDatabases.postgres().createDatabase("orders_isolation");
        Shop.execute(ordersUrl, "create table orders (id varchar(40) primary key, sku varchar(40) not null, quantity int not null)");

        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work, "--cluster-id", Shop.CLUSTER).start().awaitServing();
             ServiceProcess app = ServiceProcess.startWithLibraries(work, "own-libraries",
                     "coordinator=" + coordinator.clientAddress() + ",cluster=" + Shop.CLUSTER + ",app=own-libraries", libraries,
                     OwnLibrariesApp.class, ordersUrl)) {
            HttpResponse<String> reply = app.post("/check?id=i1");

            assertThat(reply.statusCode()).as(reply.body() + "\n" + app.log()).isEqualTo(200);
            for (String jar : System.getProperty("entente.isolation-app.versions").split(",")) {
                assertThat(reply.body()).as("the application's own " + jar).contains(libraries.resolve(jar).toString());
            }
            assertThat(reply.body())
                    .contains("io.grpc.netty.NettyServerBuilder io.grpc.netty.NettyChannelBuilder")
                    .contains("echo: hello from the app")
                    .contains("sha256 ")
                    .contains("acks -1; serialized 5 bytes")
                    .contains("order i1 committed in " + coordinator.clusterId() + ":");
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(Shop.count(ordersUrl, "select count(*) from orders where id = 'i1'")).isEqualTo(1));
        }
    }
}
