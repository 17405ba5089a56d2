package dev.entente.runtime;

import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.RmSession;
import dev.entente.protocol.extension.ExtensionJars;
import dev.entente.runtime.http.RequestScopes;
import dev.entente.runtime.jdbc.BranchAdmission;
import dev.entente.runtime.jdbc.Recovery;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import dev.entente.runtime.lock.LockManager;
import dev.entente.runtime.publish.PublishManager;
import dev.entente.runtime.tm.TransactionDefinition;
import dev.entente.runtime.tm.TransactionManager;
import dev.entente.runtime.tm.TransactionScope;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entente inside one application: the TM client, the JDBC resource manager, the RM session over which
 * the coordinator pushes phase 2, and periodic recovery. The agent starts one at JVM start-up; without
 * the agent an application may start it itself and use {@link #execute}.
 */
public final class EntenteRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EntenteRuntime.class);
    private static volatile EntenteRuntime current;

    private final Settings settings;
    private final CoordinatorClient client;
    private final RmSession session;
    private final ResourceManager resources;
    private final TransactionManager transactions;
    private final LockManager locks;
    private final PublishManager publisher;
    private final Recovery recovery;
    private final ClusterMembership cluster;
    private final ScheduledExecutorService scheduler;

    private EntenteRuntime(Settings settings) {
        this.settings = settings;
        this.cluster = new ClusterMembership(settings.expectedCluster());
        this.client = settings.coordinator().isEmpty() ? null
                : new CoordinatorClient(settings.coordinator(), Duration.ofSeconds(10), Duration.ofSeconds(10),
                        settings.coordinatorSecurity());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "entente-recovery");
            thread.setDaemon(true);
            return thread;
        });
        this.locks = new LockManager(settings, this::transactionManager, this::coordinator);
        this.resources = new ResourceManager(this::coordinator, settings.instanceId(), this::resourceReached, locks,
                XaResourceWrapper.all(extensions(XaResourceWrapper.class, settings)),
                new BranchAdmission(settings.excludedResources(), (xid, why) -> transactionManager().markRollbackOnly(xid, why)));
        this.session = client == null ? null : new RmSession(client, settings.app(), settings.instanceId(), Set.of(), resources,
                this::welcomedTo);
        this.transactions = new TransactionManager(this::coordinator, resources, settings.app(), settings.waitForPhaseTwo(),
                settings.defaultTimeoutMillis(), locks, cluster);
        this.publisher = new PublishManager(settings.kafka(), this::coordinator, this::transactionManager);
        this.recovery = new Recovery(resources, this::coordinator, cluster::clusterId);
        if (client != null) {
            long every = settings.recoveryInterval().toMillis();
            scheduler.scheduleWithFixedDelay(recovery::scanAll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Starts the runtime and connects it to instrumented code. */
    public static synchronized EntenteRuntime start(Settings settings) {
        if (current != null) {
            throw new IllegalStateException("the Entente runtime is already started");
        }
        EntenteRuntime runtime = new EntenteRuntime(settings);
        Hooks.jdbc = runtime.resources;
        Hooks.transactions = new AnnotatedMethodHook(runtime.transactions, runtime.locks, runtime.publisher);
        Hooks.http = new RequestScopes(runtime.resources, runtime.transactions);
        TransactionContext.setBindingListener(new LogContext());
        current = runtime;
        if (settings.coordinator().isEmpty()) {
            LOG.warn("Entente: no coordinator configured (agent argument coordinator=host:port, ENTENTE_COORDINATOR or "
                    + "-Dentente.coordinator): @GlobalTransactional methods will fail; other code runs as usual");
        } else {
            LOG.info("Entente: app {} (instance {}), coordinator {} ({})", settings.app(), settings.instanceId(),
                    settings.coordinator(), settings.coordinatorSecurity());
        }
        settings.zookeeper().ifPresent(zookeeper -> LOG.info("Entente: @Locked locks under {} on ZooKeeper {}",
                settings.lockRoot(), zookeeper));
        settings.kafka().ifPresent(kafka -> LOG.info("Entente: @Publish messages to Kafka {}", kafka));
        return runtime;
    }

    /** The implementations of {@code type} in the jars the extensions setting names, each logged. */
    private static <T> List<T> extensions(Class<T> type, Settings settings) {
        List<T> found = ExtensionJars.load(type, settings.extensions(), "setting extensions");
        found.forEach(extension -> LOG.warn("Entente: extension {} ({}) loaded from {}", extension.getClass().getName(),
                type.getSimpleName(), settings.extensions()));
        return found;
    }

    private CoordinatorClient coordinator() {
        if (client == null) {
            throw new IllegalStateException("no coordinator is configured (set agent argument coordinator=host:port, "
                    + "environment variable ENTENTE_COORDINATOR or system property entente.coordinator)");
        }
        cluster.mismatch().ifPresent(mismatch -> {
            throw new IllegalStateException(mismatch);
        });
        return client;
    }

    /** The RM session was welcomed by a coordinator of cluster {@code clusterId}: recovery can start. */
    private void welcomedTo(String clusterId) {
        if (cluster.welcomed(clusterId, client.leaderAddress())) {
            LOG.info("Entente: coordinator cluster {}", clusterId);
            scheduler.execute(recovery::scanAll);
        }
    }

    private TransactionManager transactionManager() {
        return transactions;
    }

    private void resourceReached(String resource) {
        if (session != null) {
            session.serve(resource);
            scheduler.execute(() -> recovery.scan(resource));
        }
    }

    /** Runs {@code work} in a global transaction as an annotated method would (for use without the agent). */
    public <T> T execute(TransactionDefinition definition, Callable<T> work) throws Exception {
        TransactionScope scope = transactions.enter(definition, getClass().getClassLoader());
        T result;
        try {
            result = work.call();
        } catch (Exception | Error e) {
            Throwable outcome = transactions.exit(scope, e);
            throw rethrow(outcome == null ? e : outcome);
        }
        Throwable outcome = transactions.exit(scope, null);
        if (outcome != null) {
            throw rethrow(outcome);
        }
        return result;
    }

    private static Exception rethrow(Throwable thrown) {
        if (thrown instanceof Error error) {
            throw error;
        }
        return (Exception) thrown;
    }

    public Settings settings() {
        return settings;
    }

    public Recovery recovery() {
        return recovery;
    }

    @Override
    public synchronized void close() {
        Hooks.jdbc = dev.entente.bootstrap.JdbcHook.NONE;
        Hooks.transactions = dev.entente.bootstrap.TransactionHook.NONE;
        Hooks.http = dev.entente.bootstrap.HttpHook.NONE;
        TransactionContext.setBindingListener(null);
        scheduler.shutdownNow();
        if (session != null) {
            session.close();
        }
        resources.close();
        locks.close();
        publisher.close();
        if (client != null) {
            client.close();
        }
        current = null;
    }
}
