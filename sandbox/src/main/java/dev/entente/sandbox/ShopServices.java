package dev.entente.sandbox;

import dev.entente.testkit.FreePorts;
import dev.entente.testkit.JvmProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The shop's three services, each its own JVM started with the Entente agent and nothing else of
 * Entente: order (PostgreSQL, publishes to Kafka), inventory (MariaDB, locks in ZooKeeper), payment
 * (PostgreSQL).
 */
final class ShopServices implements AutoCloseable {

    final JvmProcess inventory;
    final JvmProcess payment;
    final JvmProcess order;
    final String orderUrl;

    /**
     * @param coordinator       the coordinator address the services are given (the sandbox's, unless
     *                          the demo is asked to show a misconfigured service)
     * @param zookeeper         the ZooKeeper ensemble of the inventory service's {@code @Locked} stock
     * @param kafka             the Kafka cluster of the order service's {@code @Publish} events (the coordinator's)
     * @param springBootPayment run the Spring Boot variant of the payment service
     */
    ShopServices(Path work, String coordinator, String zookeeper, String kafka, ShopDatabases databases, boolean springBootPayment) {
        int inventoryPort = FreePorts.next();
        int paymentPort = FreePorts.next();
        int orderPort = FreePorts.next();
        String settings = "coordinator=" + coordinator + ",cluster=" + Sandbox.CLUSTER + ",recovery-interval=2000";
        inventory = service(work, "inventory", settings + ",zookeeper=" + zookeeper, "dev.entente.samples.inventory.InventoryService",
                "--port", String.valueOf(inventoryPort), "--database", databases.inventoryUrl);
        payment = springBootPayment
                ? service(work, "payment", settings, "dev.entente.samples.payment.boot.PaymentApplication",
                        "--server.address=127.0.0.1", "--server.port=" + paymentPort,
                        "--spring.datasource.url=" + databases.paymentsUrl, "--spring.main.banner-mode=off")
                : service(work, "payment", settings, "dev.entente.samples.payment.PaymentService",
                        "--port", String.valueOf(paymentPort), "--database", databases.paymentsUrl);
        order = service(work, "order", settings + ",kafka=" + kafka, "dev.entente.samples.order.OrderService",
                "--port", String.valueOf(orderPort), "--database", databases.ordersUrl,
                "--inventory", "http://127.0.0.1:" + inventoryPort, "--payment", "http://127.0.0.1:" + paymentPort);
        orderUrl = "http://127.0.0.1:" + orderPort;
        try {
            for (JvmProcess service : List.of(inventory, payment, order)) {
                service.start(Duration.ofSeconds(90));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A service JVM with the agent, given {@code settings} (agent arguments) and its name as {@code app}. */
    private static JvmProcess service(Path work, String name, String settings, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of("-Xmx256m",
                "-javaagent:" + jar("entente.agent.jar", "agent/target/entente-agent.jar") + "=" + settings + ",app=" + name,
                "-cp", samplesClassPath(), mainClass));
        command.addAll(List.of(args));
        return new JvmProcess(name, command, work.resolve(name + ".log"), "ready on ");
    }

    /** A jar the launcher names in a system property (bin/entente and the tests set it). */
    static String jar(String property, String builtAt) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("cannot find " + builtAt + " (system property " + property + " = " + path
                    + "); build with: mvn -B -DskipTests package");
        }
        return path;
    }

    /** The sample services' jar and its libraries, as sample-apps/target holds them after a build. */
    static String samplesClassPath() {
        String dir = System.getProperty("entente.samples.dir");
        Path target = Path.of(dir == null ? "sample-apps/target" : dir);
        try {
            return target.resolve("entente-sample-apps.jar") + File.pathSeparator
                    + Files.readString(target.resolve("classpath.txt")).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the sample services' class path in " + target
                    + " (system property entente.samples.dir); build with: mvn -B -DskipTests package", e);
        }
    }

    @Override
    public void close() {
        for (JvmProcess service : new JvmProcess[] {order, payment, inventory}) {
            if (service != null) {
                service.close();
            }
        }
    }
}
