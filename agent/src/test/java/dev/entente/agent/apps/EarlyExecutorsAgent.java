package dev.entente.agent.apps;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * An agent started before Entente's, as an APM agent listed first would be: it runs work on the executors
 * {@link HandOffApp} hands off to, so that their classes (thread pools, the scheduled executor, fork/join
 * pools and tasks) are loaded before Entente's agent starts and must be instrumented as loaded classes.
 */
public final class EarlyExecutorsAgent {

    private EarlyExecutorsAgent() {
    }

    public static void premain(String arguments) throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        pool.submit(() -> { }).get();
        pool.shutdown();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.schedule(() -> { }, 1, TimeUnit.MILLISECONDS).get();
        scheduler.shutdown();
        ForkJoinPool forkJoin = new ForkJoinPool(2);
        forkJoin.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
            }
        });
        forkJoin.shutdown();
        System.out.println("early agent: the executors' classes are loaded");
    }

    /**
     * A jar holding only a manifest that names this class as its agent: the JVM loads the class through the
     * system class loader, which finds it on the application's class path.
     */
    public static Path jar(Path folder) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", EarlyExecutorsAgent.class.getName());
        Path jar = folder.resolve("early-executors-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }
}
