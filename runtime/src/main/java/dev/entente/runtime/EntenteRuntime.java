package dev.entente.runtime;

import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.SessionWelcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.RmSession;
import dev.entente.protocol.client.SessionListener;
import dev.entente.protocol.client.TokenBook;
import dev.entente.protocol.client.XidMint;
import dev.entente.protocol.config.SecurityProperties;
import dev.entente.protocol.extension.ExtensionJars;
import dev.entente.runtime.http.JoinedRequests;
import dev.entente.runtime.http.ReactiveRequests;
import dev.entente.runtime.http.RequestScopes;
import dev.entente.runtime.jdbc.BranchAdmission;
import dev.entente.runtime.jdbc.Recovery;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import dev.entente.runtime.lock.LockManager;
import dev.entente.runtime.metrics.ApplicationMeters;
import dev.entente.runtime.propagation.CarriedContexts;
import dev.entente.runtime.propagation.GrpcCalls;
import dev.entente.runtime.propagation.SentRecords;
import dev.entente.runtime.publish.PublishManager;
import dev.entente.runtime.spring.DeferredSynchronizations;
import dev.entente.runtime.tm.CarriedVotes;
import dev.entente.runtime.tm.TransactionDefinition;
import dev.entente.runtime.tm.TransactionManager;
import dev.entente.runtime.tm.TransactionScope;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entente inside one application: the TM client, the JDBC resource manager, the RM session over which
 * the coordinator pushes phase 2, and periodic recovery. The agent starts one on first use ({@link
 * FirstUseHooks#startOnFirstUse}); without the agent an application may start it itself and use {@link #execute}.
 *
 * <p>What starts when, under the agent: the runtime's objects (and the ZooKeeper client, if configured) at
 * their first use or {@link FirstUseHooks#WARM_UP_DELAY} after the JVM's start, whichever comes first; the RM session,
 * and with it the gRPC channel to the coordinator, at the first call to the coordinator (a global
 * transaction, a lock, a publish, a recovery that found a prepared branch) or at that warm-up; a database's
 * recovery scan when the application first reaches it, in the background, then every {@code recovery-interval}.
 */
public final class EntenteRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EntenteRuntime.class);
    private static volatile EntenteRuntime current;

    /**
     * How long the first call to the coordinator waits for the session's channel to open, before its own
     * deadline starts: opening it loads gRPC and Netty, which on a loaded machine took most of a call's 10 s.
     */
    private static final Duration FIRST_CONNECTION_WAIT = Duration.ofSeconds(20);

    private final Settings settings;
    /** This runtime among the application's instances ({@link InstanceId}). */
    private final String instanceId;
    private final CoordinatorClient client;
    private volatile RmSession session; // started on first use: see startSession
    private volatile boolean sessionConnectedOnce;
    private final Set<String> reached = ConcurrentHashMap.newKeySet();
    private final ResourceManager resources;
    private final CarriedVotes votes;
    private final TransactionManager transactions;
    private final LockManager locks;
    private final PublishManager publisher;
    private final DeferredSynchronizations synchronizations;
    private final Recovery recovery;
    /** The runtime's meters, put where the application's own are. */
    private final ApplicationMeters meters;
    private final ClusterMembership cluster;
    /** Mints this process's XIDs from the RM session's grant; the session's first connection is awaited before. */
    private final XidMint xids;
    /** The tokens of the transactions this process holds: minted here or joined by a request. */
    private final TokenBook tokens;
    private final ScheduledExecutorService scheduler;

    private EntenteRuntime(Settings settings) {
        this.settings = settings;
        this.instanceId = InstanceId.of(settings.app());
        this.cluster = new ClusterMembership(settings.expectedCluster());
        this.client = settings.coordinator().isEmpty() ? null
                : new CoordinatorClient(settings.coordinator(), Duration.ofSeconds(10), Duration.ofSeconds(10),
                        settings.coordinatorSecurity());
        this.tokens = client == null ? new TokenBook() : client.tokens();
        this.xids = new XidMint(Duration.ofSeconds(5), tokens);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "entente-recovery");
            thread.setDaemon(true);
            return thread;
        });
        this.locks = new LockManager(settings, this::transactionManager, this::coordinator);
        this.votes = new CarriedVotes();
        this.synchronizations = new DeferredSynchronizations(xid -> transactionManager().owns(xid),
                xid -> coordinator().status(xid, 0, true).getOutcome(), scheduler);
        this.resources = new ResourceManager(this::coordinator, instanceId, this::resourceReached, locks,
                XaResourceWrapper.all(extensions(XaResourceWrapper.class, settings)),
                new BranchAdmission(settings.excludedResources(), (xid, why) -> transactionManager().markRollbackOnly(xid, why)),
                votes, this::finishedHere, scheduler, synchronizations);
        this.publisher = new PublishManager(settings.kafka(), settings.kafkaSecurity(), this::coordinator, this::transactionManager);
        // the locks after the branches: they are given back once the branches finished phase 2
        this.transactions = new TransactionManager(this::coordinator, xids, votes, instanceId, settings.app(),
                settings.waitForPhaseTwo(), settings.defaultTimeoutMillis(), List.of(resources, publisher, locks, synchronizations));
        this.recovery = new Recovery(resources, this::coordinator, cluster::clusterId);
        this.meters = new ApplicationMeters(Stream.of(transactions.meters(), resources.meters(), locks.meters(), recovery.meters())
                .flatMap(List::stream).toList());
        if (client != null) {
            long every = settings.recoveryInterval().toMillis();
            scheduler.scheduleWithFixedDelay(recovery::scanAll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** The runtime, started now if it was not yet (called by {@link FirstUseHooks} on first use). */
    static synchronized EntenteRuntime startedOrStart(Settings settings) {
        return current != null ? current : start(settings);
    }

    /** Starts the runtime and connects it to instrumented code. */
    public static synchronized EntenteRuntime start(Settings settings) {
        if (current != null) {
            throw new IllegalStateException("the Entente runtime is already started");
        }
        EntenteRuntime runtime = OwnContextLoader.call(() -> new EntenteRuntime(settings));
        Hooks.jdbc = runtime.resources;
        runtime.meters.offer(EntenteRuntime.class.getClassLoader()); // the application's own, when it runs the runtime as a library
        Hooks.transactions = new AnnotatedMethodHook(runtime.transactions, runtime.locks, runtime.publisher, runtime.meters);
        JoinedRequests joinedRequests = new JoinedRequests(runtime.resources, runtime.transactions, runtime.votes,
                settings.acceptContextFrom(), runtime.tokens, runtime::sessionNeeded);
        Hooks.http = new RequestScopes(runtime.resources, runtime.transactions, runtime.votes, runtime.tokens, joinedRequests);
        Hooks.reactive = new ReactiveRequests(joinedRequests);
        CarriedContexts carried = new CarriedContexts(runtime.resources, runtime.transactions, runtime.tokens);
        Hooks.carrier = carried;
        Hooks.messaging = new SentRecords();
        Hooks.rpc = new GrpcCalls(carried);
        Hooks.localTransactions = runtime.synchronizations;
        TransactionContext.setBindingListener(new LogContext());
        current = runtime;
        if (settings.coordinator().isEmpty()) {
            LOG.warn("Entente: no coordinator configured (agent argument coordinator=host:port, ENTENTE_COORDINATOR or "
                    + "-Dentente.coordinator): @GlobalTransactional methods will fail; other code runs as usual");
        } else {
            LOG.info("Entente: app {} (instance {}), coordinator {} ({})", settings.app(), runtime.instanceId,
                    settings.coordinator(), settings.coordinatorSecurity());
        }
        settings.zookeeper().ifPresent(zookeeper -> LOG.info("Entente: @Locked locks under {} on ZooKeeper {}{}",
                settings.lockRoot(), zookeeper, described(settings.zookeeperSecurity())));
        settings.kafka().ifPresent(kafka -> LOG.info("Entente: @Publish messages to Kafka {}{}", kafka,
                described(settings.kafkaSecurity())));
        if (!settings.acceptContextFrom().acceptsAll()) {
            LOG.info("Entente: incoming requests join global transactions only from {} (setting accept-context-from)",
                    settings.acceptContextFrom());
        }
        return runtime;
    }

    /** The client properties' file and keys for a start-up line (never their values), or nothing. */
    private static String described(SecurityProperties security) {
        return security.isEmpty() ? "" : " (" + security + ")";
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
        if (!sessionConnectedOnce) {
            awaitFirstConnection(startSession()); // phase 2 of what this call leads to comes back over the session
        }
        cluster.mismatch().ifPresent(mismatch -> {
            throw new IllegalStateException(mismatch);
        });
        return client;
    }

    /**
     * The RM session was welcomed by a leader of cluster {@code welcome.getClusterId()}: transactions are
     * minted from its grant, and recovery can start. A leader of another cluster grants nothing.
     */
    private void welcomedTo(SessionWelcome welcome) {
        boolean first = cluster.welcomed(welcome.getClusterId(), client.leaderAddress());
        Optional<String> mismatch = cluster.mismatch();
        if (mismatch.isPresent()) {
            xids.refused(mismatch.get());
            return;
        }
        xids.welcomed(welcome);
        if (first) {
            LOG.info("Entente: coordinator cluster {}", welcome.getClusterId());
            scheduler.execute(recovery::scanAll);
        }
    }

    /**
     * This process takes part in a transaction it may never call the coordinator for (its votes ride
     * its response): its RM session opens now, in the background, so that phase 2 reaches it.
     */
    private void sessionNeeded() {
        if (session == null && client != null && !scheduler.isShutdown()) {
            scheduler.execute(this::startSession);
        }
    }

    /** A branch this process finished right after its decision: the coordinator hears it on the RM session. */
    private void finishedHere(String xid, long branchId) {
        RmSession serving = session;
        if (serving != null) {
            serving.acknowledge(xid, branchId);
        }
    }

    /** Opens the RM session, serving every database reached so far, unless it is open. */
    synchronized RmSession startSession() {
        if (session == null && client != null && !scheduler.isShutdown()) {
            session = OwnContextLoader.call(() ->
                    new RmSession(client, settings.app(), instanceId, Set.copyOf(reached), resources.phaseTwo(), new SessionListener() {
                        @Override
                        public void welcomed(SessionWelcome welcome) {
                            welcomedTo(welcome);
                        }

                        @Override
                        public void grantWithdrawn() {
                            xids.grantWithdrawn();
                        }

                        @Override
                        public void unreachable(String why) {
                            xids.unreachable(why);
                        }
                    }));
        }
        return session;
    }

    /**
     * Gives the session's first connection time to open (once); a coordinator that is down is the call's to
     * report. Stops waiting, and fails the call, while the session has never been welcomed and every address
     * refused its latest attempt, or its coordinator refused this application's credentials: nothing would
     * answer within the wait (the next call waits again).
     */
    private void awaitFirstConnection(RmSession starting) {
        long deadline = System.nanoTime() + FIRST_CONNECTION_WAIT.toNanos();
        while (starting != null && !starting.isConnected() && System.nanoTime() < deadline) {
            Optional<String> unreachable = starting.unreachable();
            if (unreachable.isPresent()) {
                throw new IllegalStateException("no coordinator accepts connections at " + settings.coordinator() + " ("
                        + unreachable.get() + "); is it started, and " + (settings.coordinatorSecurity().isTls()
                        ? "are settings coordinator, tls-ca and secret-file right?" : "is setting coordinator right?"));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        sessionConnectedOnce = true;
    }

    private TransactionManager transactionManager() {
        return transactions;
    }

    private void resourceReached(String resource) {
        if (client == null) {
            return;
        }
        RmSession serving;
        synchronized (this) { // startSession serves what is reached before it, serve() what is reached after
            reached.add(resource);
            serving = session;
        }
        if (serving != null) {
            serving.serve(resource);
        }
        scheduler.execute(() -> recovery.scan(resource));
    }

    /** The metrics libraries {@code loader} sees get the runtime's meters, unless they have them already. */
    public void offerMeters(ClassLoader loader) {
        meters.offer(loader);
    }

    /**
     * A snapshot of the runtime's state for the application ({@code dev.entente.api.EntenteStatus}): the
     * coordinator, whether the RM session to its leader is up (opening it in the background if it was not
     * started), the cluster, recovery's unsettled branches and failed scans, and the problem that keeps
     * global transactions from working, or recovery from settling what they left in doubt, if any.
     */
    public Map<String, Object> status() {
        sessionNeeded();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("app", settings.app());
        status.put("instance", instanceId);
        status.put("coordinator", String.join(",", settings.coordinator()));
        cluster.clusterId().ifPresent(id -> status.put("cluster", id));
        RmSession serving = session;
        boolean up = serving != null && serving.isConnected();
        status.put("rmSession", up ? "up" : serving == null ? "not started" : "down");
        status.put("inDoubtBranches", recovery.unsettledBranches());
        status.put("recoveryScanFailures", recovery.scanFailures());
        Optional<String> mismatch = cluster.mismatch();
        Optional<Map.Entry<String, String>> scanFailure = recovery.scanFailures().entrySet().stream()
                .min(Map.Entry.comparingByKey());
        if (client == null) {
            status.put("problem", "no coordinator is configured (setting coordinator)");
        } else if (mismatch.isPresent()) {
            status.put("problem", mismatch.get());
        } else if (!up) {
            status.put("problem", "the RM session to the coordinator (" + status.get("coordinator") + ") is "
                    + status.get("rmSession") + ": no coordinator leader answered");
        } else if (scanFailure.isPresent()) {
            status.put("problem", "recovery cannot scan " + scanFailure.get().getKey() + " (" + scanFailure.get().getValue()
                    + "): branches left in doubt there stay prepared, holding their locks, until it can");
        }
        return status;
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
        Hooks.carrier = dev.entente.bootstrap.CarrierHook.NONE;
        Hooks.messaging = dev.entente.bootstrap.MessagingHook.NONE;
        Hooks.rpc = dev.entente.bootstrap.RpcHook.NONE;
        Hooks.localTransactions = dev.entente.bootstrap.LocalTransactionHook.NONE;
        Hooks.reactive = dev.entente.bootstrap.ReactiveHttpHook.NONE;
        TransactionContext.setBindingListener(null);
        RmSession serving;
        synchronized (this) {
            scheduler.shutdownNow();
            serving = session;
        }
        if (serving != null) {
            serving.close();
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
