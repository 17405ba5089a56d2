package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A global transaction that hands a task to another thread, each way Java offers: the task writes a row
 * to PostgreSQL, the caller one to MariaDB. Each hand-off runs three times: the caller returns (both rows
 * commit), the caller fails after the task ran, the task fails (both roll back). One line per run:
 * {@code "hand-off | ending | outcome | caller's row kept|gone, task's row kept|gone"}; the outcome says
 * whether the task saw the caller's XID. Knows nothing of Entente but the annotation and, in the cases
 * named so, {@code GlobalTransaction.wrap}.
 * Arguments: the PostgreSQL and MariaDB JDBC URLs, and {@code platform} (JDK executors and the API) or
 * {@code virtual} (virtual-thread executors: Java 21 or later).
 */
public final class HandOffApp {

    /** Runs {@code task} on another thread and returns its result, throwing what it threw. */
    private interface HandOff {
        String run(Callable<String> task) throws Exception;
    }

    private static final ScheduledThreadPoolExecutor SCHEDULER = new ScheduledThreadPoolExecutor(2);
    private static final ForkJoinPool FORK_JOIN = new ForkJoinPool(4);

    private final String postgres;
    private final String mariadb;
    private final AtomicInteger ids = new AtomicInteger();

    private HandOffApp(String postgres, String mariadb) {
        this.postgres = postgres;
        this.mariadb = mariadb;
    }

    public static void main(String[] args) throws Throwable {
        HandOffApp app = new HandOffApp(args[0], args[1]);
        app.reset();
        Map<String, HandOff> handOffs = args[2].equals("virtual") ? virtualThreads() : platformThreads();
        for (Map.Entry<String, HandOff> handOff : handOffs.entrySet()) {
            for (String ending : List.of("caller returns", "caller fails", "task fails")) {
                app.report(handOff.getKey(), handOff.getValue(), ending);
            }
        }
        SCHEDULER.shutdownNow();
        FORK_JOIN.shutdownNow();
        System.out.println("done");
    }

    private static Map<String, HandOff> platformThreads() {
        Map<String, HandOff> handOffs = new LinkedHashMap<>();
        handOffs.put("ScheduledThreadPoolExecutor.schedule(Runnable)", task -> {
            FutureTask<String> run = new FutureTask<>(task);
            SCHEDULER.schedule(run, 20, TimeUnit.MILLISECONDS).get();
            return run.get();
        });
        handOffs.put("ScheduledThreadPoolExecutor.schedule(Callable)", task -> SCHEDULER.schedule(task, 20, TimeUnit.MILLISECONDS).get());
        handOffs.put("ScheduledThreadPoolExecutor.submit(Callable)", task -> SCHEDULER.submit(task).get());
        handOffs.put("ForkJoinPool.submit(Callable)", task -> FORK_JOIN.submit(task).get());
        handOffs.put("ForkJoinPool.invokeAll", task -> FORK_JOIN.invokeAll(List.of(task)).get(0).get());
        handOffs.put("ForkJoinPool.invoke(RecursiveTask) whose forked part is stolen", task -> FORK_JOIN.invoke(new Split(task)));
        handOffs.put("ForkJoinPool.execute(ForkJoinTask)", task -> {
            Split split = new Split(task);
            FORK_JOIN.execute(split);
            return split.get();
        });
        handOffs.put("the application's own executor, loaded before its base class", task -> {
            FutureTask<String> run = new FutureTask<>(task);
            new OwnExecutor().execute(run);
            return run.get();
        });
        handOffs.put("GlobalTransaction.wrap(Runnable) on a new thread", task -> {
            FutureTask<String> run = new FutureTask<>(task);
            Thread thread = new Thread(GlobalTransaction.wrap(run));
            thread.start();
            thread.join();
            return run.get();
        });
        handOffs.put("GlobalTransaction.wrapCallable(Callable) on a new thread", task -> {
            FutureTask<String> run = new FutureTask<>(GlobalTransaction.wrapCallable(task));
            new Thread(run).start();
            return run.get();
        });
        return handOffs;
    }

    /**
     * An executor of the application's own. The JVM loads it before its base class, which implements {@code
     * Executor} and declares {@code execute}: the agent learns the base class's super types while this class is
     * being loaded, and the base class must still be woven (HotSpot reports no class loaded on a thread that is
     * transforming, so the agent must not load it there). Nothing else in this application names the base class.
     */
    static final class OwnExecutor extends ThreadPerTask {
    }

    /** Runs each task on a new thread. */
    static class ThreadPerTask implements java.util.concurrent.Executor {
        @Override
        public void execute(Runnable task) {
            new Thread(task).start();
        }
    }

    /** Through {@code Executors.newVirtualThreadPerTaskExecutor()}, found by reflection: this class is compiled for Java 17. */
    private static Map<String, HandOff> virtualThreads() throws Throwable {
        ExecutorService virtual = (ExecutorService) MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class)).invoke();
        Map<String, HandOff> handOffs = new LinkedHashMap<>();
        handOffs.put("virtual threads: execute(Runnable)", task -> {
            FutureTask<String> run = new FutureTask<>(task);
            virtual.execute(run);
            return run.get();
        });
        handOffs.put("virtual threads: submit(Callable)", task -> virtual.submit(task).get());
        handOffs.put("virtual threads: invokeAll", task -> virtual.invokeAll(List.of(task)).get(0).get());
        return handOffs;
    }

    /**
     * A fork/join task that forks a part running {@code task} and waits until another worker has stolen and
     * started it before joining it: so the part runs on another worker than the one that forked it.
     */
    private static final class Split extends RecursiveTask<String> {
        private final Callable<String> task;

        Split(Callable<String> task) {
            this.task = task;
        }

        @Override
        protected String compute() {
            CountDownLatch started = new CountDownLatch(1);
            Thread forking = Thread.currentThread();
            RecursiveTask<String> part = new RecursiveTask<>() {
                @Override
                protected String compute() {
                    started.countDown();
                    try {
                        String result = task.call();
                        return Thread.currentThread() == forking ? "not stolen: " + result : result;
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            part.fork();
            try {
                if (!started.await(20, TimeUnit.SECONDS)) {
                    return "the forked part was not stolen within 20 s";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return part.join();
        }
    }

    private void report(String name, HandOff handOff, String ending) throws SQLException {
        int id = ids.incrementAndGet();
        String outcome;
        try {
            outcome = "returned " + handOffInTransaction(handOff, id, ending);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            outcome = "threw " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        System.out.println(name + " | " + ending + " | " + outcome + " | caller's row " + kept(mariadb, id)
                + ", task's row " + kept(postgres, id));
    }

    /** A task's failure reaches the caller inside an ExecutionException (checked): listed, so that it rolls back. */
    @GlobalTransactional(timeoutMillis = 20_000, rollbackFor = ExecutionException.class)
    public String handOffInTransaction(HandOff handOff, int id, String ending) throws Exception {
        String xid = GlobalTransaction.currentXid().orElseThrow();
        insert(mariadb, id);
        String seen = handOff.run(() -> {
            insert(postgres, id);
            if (ending.equals("task fails")) {
                throw new IllegalStateException("the task fails after its write");
            }
            return GlobalTransaction.currentXid().map(x -> x.equals(xid) ? "in the caller's transaction" : "in another: " + x)
                    .orElse("outside any transaction");
        });
        if (ending.equals("caller fails")) {
            throw new IllegalStateException("the caller fails after the task ran " + seen);
        }
        return seen;
    }

    private static void insert(String url, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into hand_off values (" + id + ")");
        }
    }

    private static String kept(String url, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from hand_off where id = " + id)) {
            rows.next();
            return rows.getInt(1) == 1 ? "kept" : "gone";
        }
    }

    private void reset() throws SQLException {
        for (String url : List.of(postgres, mariadb)) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.executeUpdate("drop table if exists hand_off");
                statement.executeUpdate("create table hand_off (id int primary key)");
            }
        }
    }
}
