package dev.entente.bench.agent;

import dev.entente.bench.Comparison;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Measurement;
import dev.entente.bench.Options;
import dev.entente.bench.Table;
import dev.entente.bench.WorkloadJvm;
import dev.entente.options.CommandOption;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.JvmProcess;
import dev.entente.testkit.TestDatabases;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Row 4: what attaching the agent costs code that runs outside global transactions, in three parts:
 * the same JDBC workload ({@link JdbcWorkload}) with and without {@code -javaagent} ({@link Comparison});
 * the start of a small main ({@link SmallApp}); the start of a Spring Boot web + JPA app on PostgreSQL
 * (module bench-boot-app) to Spring's "Started" line. The starts compare no agent, Entente's agent, the
 * OpenTelemetry Java agent (exporters off), and optionally an older Entente agent jar
 * ({@code --baseline-agent}), alternating, so every variant meets the same background load. Entente's
 * agent is configured as in production: a coordinator (a real --dev node) and an app name.
 *
 * <p>Options: {@code --parts jdbc,small,boot}, {@code --starts N} (small app), {@code --boot-starts N},
 * {@code --baseline-agent JAR}, and the load options of the JDBC part.
 */
public final class AgentOverheadBench {

    static final CommandOption CLIENTS = LoadOptions.CLIENTS.withDefault("4");
    static final CommandOption PARTS = new CommandOption("parts", "LIST", "jdbc,small,boot",
            "what to measure: jdbc (statements outside transactions: without the agent, with it, and with it but its jdbc "
                    + "integration off), small (a small main's start), boot (a Spring Boot app's start)");
    static final CommandOption STARTS = new CommandOption("starts", "N", "10", "starts of the small main per variant");
    static final CommandOption BOOT_STARTS = new CommandOption("boot-starts", "N", "10", "starts of the Spring Boot app per variant");
    /** An older agent jar measured beside the current one; {@link AdviceCostBench} takes it too. */
    static final CommandOption BASELINE_AGENT = new CommandOption("baseline-agent", "JAR", "",
            "an older Entente agent jar, measured as one more variant");

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(LoadOptions.options(CLIENTS, PARTS, STARTS, BOOT_STARTS,
            BASELINE_AGENT));

    private static final Pattern BOOT_STARTED = Pattern.compile("Started CatalogApplication in");
    private static final String BOOT_MAIN = "dev.entente.bench.bootapp.CatalogApplication";

    /**
     * The JDBC part's variants. With the JDBC integration off the agent's runtime still starts (in the background,
     * 10 s after the JVM: its RM session and recovery's scans), but no JDBC method is woven: the pair tells the
     * advice's cost from the runtime's.
     */
    private enum Variant {
        WITHOUT_AGENT("without agent", List.of()),
        WITH_AGENT("with agent", List.of()),
        JDBC_OFF("with agent, jdbc integration off", List.of("-Dentente.instrumentation.jdbc.enabled=false"));

        final String label;
        final List<String> jvmOptions;

        Variant(String label, List<String> jvmOptions) {
            this.label = label;
            this.jvmOptions = jvmOptions;
        }
    }

    /** A way to start a JVM: its label and the options that attach (or not) an agent. */
    private record Attached(String label, List<String> jvmOptions) {
    }

    private final Options options;
    private final PrintStream out;

    public AgentOverheadBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        LoadOptions load = LoadOptions.of(options, CLIENTS);
        Set<String> parts = Set.of(options.text(PARTS).split(","));
        String agentJar = WorkloadJvm.agentJar();
        String url = TestDatabases.postgres().createDatabase("entente_bench_overhead");
        out.printf("agent overhead: parts %s; JDBC workload on %s, %s; %d small-app and %d Spring Boot starts per variant%n",
                parts, TestDatabases.postgres(), load.describe(), options.number(STARTS), options.number(BOOT_STARTS));
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(load.work().resolve("coordinator")).start().awaitServing()) {
            String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=bench-overhead";
            List<Attached> variants = startVariants(agent, coordinator.clientAddress());
            if (parts.contains("jdbc")) {
                Comparison<Variant> comparison = new Comparison<>(out, List.of(Variant.values()), variant -> variant.label);
                comparison.run(load.runs(), variant -> workload(variant, agent, url, load));
                comparison.report("JDBC workload outside transactions");
            }
            if (parts.contains("small")) {
                Map<Attached, List<StartUp>> small = startUps("start", variants, options.number(STARTS),
                        attached -> WorkloadJvm.command(attached.jvmOptions(), SmallApp.class), Pattern.compile(Pattern.quote(SmallApp.STARTED)));
                report("JVM start-up of a small app (launch to its one line)", small);
            }
            if (parts.contains("boot")) {
                String bootUrl = TestDatabases.postgres().createDatabase("entente_bench_boot");
                String classPath = bootAppClassPath();
                Map<Attached, List<StartUp>> boot = startUps("boot start", variants, options.number(BOOT_STARTS),
                        attached -> bootCommand(attached, classPath, bootUrl), BOOT_STARTED);
                report("Spring Boot web + JPA app on PostgreSQL (launch to Spring's \"Started CatalogApplication in\" line)", boot);
            }
        }
    }

    private List<Attached> startVariants(String agent, String coordinator) {
        List<Attached> variants = new ArrayList<>(List.of(new Attached("without agent", List.of()), new Attached("with agent", List.of(agent))));
        String baseline = options.text(BASELINE_AGENT);
        if (!baseline.isEmpty()) {
            if (!Files.isRegularFile(Path.of(baseline))) {
                throw new InvalidOption("--baseline-agent: " + baseline + " is not a file");
            }
            variants.add(new Attached("with agent (baseline jar)",
                    List.of("-javaagent:" + baseline + "=coordinator=" + coordinator + ",app=bench-overhead")));
        }
        String openTelemetry = System.getProperty("entente.bench.otel-agent.jar", "");
        if (Files.isRegularFile(Path.of(openTelemetry))) {
            variants.add(new Attached("with OpenTelemetry agent", List.of("-javaagent:" + openTelemetry,
                    "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none")));
        } else {
            out.println("(no OpenTelemetry agent variant: system property entente.bench.otel-agent.jar is '" + openTelemetry
                    + "'; bin/entente sets it to benchmarks/target/otel/opentelemetry-javaagent.jar, which the build copies)");
        }
        return variants;
    }

    private interface CommandOf {
        List<String> command(Attached attached) throws IOException;
    }

    /**
     * {@code count} starts of each variant, rotated so that none always goes first, after one start without
     * an agent that is not counted (it warms the page cache, and the Boot app's first start creates its tables).
     */
    private Map<Attached, List<StartUp>> startUps(String what, List<Attached> variants, int count, CommandOf command, Pattern line)
            throws IOException, InterruptedException {
        Map<Attached, List<StartUp>> measured = new LinkedHashMap<>();
        StartUp.of(what + " (warm-up)", command.command(variants.get(0)), line, Duration.ofMinutes(5));
        for (Attached attached : variants) {
            measured.put(attached, new ArrayList<>());
        }
        for (int start = 1; start <= count; start++) {
            for (Attached attached : Comparison.rotated(variants, start)) {
                StartUp startUp = StartUp.of(what + " (" + attached.label() + ")", command.command(attached), line, Duration.ofMinutes(5));
                measured.get(attached).add(startUp);
                out.printf("%s %d %-26s %6d ms  cpu %6.2f s  load %s%n", what, start, attached.label(), startUp.millis(),
                        startUp.cpuSeconds(), startUp.loadAverage());
            }
        }
        return measured;
    }

    private static List<String> bootCommand(Attached attached, String classPath, String url) {
        List<String> command = new ArrayList<>(List.of(JvmProcess.javaBinary(), "-Xmx512m"));
        command.addAll(attached.jvmOptions());
        command.addAll(List.of("-cp", classPath, BOOT_MAIN, "--server.port=0", "--spring.datasource.url=" + url));
        return command;
    }

    /** The Boot app's jar and its class path, as its module's build leaves them (bin/entente names the folder). */
    private static String bootAppClassPath() throws IOException {
        Path folder = Path.of(System.getProperty("entente.bench.boot-app.dir", "bench-boot-app/target"));
        Path jar = folder.resolve("entente-bench-boot-app.jar");
        Path classPath = folder.resolve("classpath.txt");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(classPath)) {
            throw new IllegalStateException("the Spring Boot app is not built: " + jar + " and " + classPath
                    + " are needed (mvn -DskipTests package; bin/entente sets entente.bench.boot-app.dir)");
        }
        return jar + File.pathSeparator + Files.readString(classPath).trim();
    }

    private Measurement workload(Variant variant, String agent, String url, LoadOptions load) throws IOException, InterruptedException {
        List<String> jvmOptions = new ArrayList<>(variant.jvmOptions);
        if (variant != Variant.WITHOUT_AGENT) {
            jvmOptions.add(agent);
        }
        return WorkloadJvm.measure("the JDBC workload (" + variant.label + ")", jvmOptions,
                JdbcWorkload.class, load.workloadTimeout(), load.workloadArguments(url));
    }

    private void report(String what, Map<Attached, List<StartUp>> measured) {
        out.println();
        out.println(what + ": medians over the starts; added = the variant's median less the no-agent median");
        Table table = new Table("variant", "median ms", "spread ms", "added ms", "median cpu s", "added cpu s", "added ms / no agent's");
        List<StartUp> none = measured.values().iterator().next();
        long baseMillis = median(none.stream().map(s -> (double) s.millis()).toList()).longValue();
        double baseCpu = median(none.stream().map(StartUp::cpuSeconds).toList());
        measured.forEach((attached, starts) -> {
            long millis = median(starts.stream().map(s -> (double) s.millis()).toList()).longValue();
            double cpu = median(starts.stream().map(StartUp::cpuSeconds).toList());
            long min = starts.stream().mapToLong(StartUp::millis).min().orElse(0);
            long max = starts.stream().mapToLong(StartUp::millis).max().orElse(0);
            table.row(attached.label(), millis, min + "-" + max, millis - baseMillis, String.format("%.2f", cpu),
                    String.format("%+.2f", cpu - baseCpu), baseMillis == 0 ? "-" : String.format("%+.0f %%", 100.0 * (millis - baseMillis) / baseMillis));
        });
        table.print(out);
    }

    private static Double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0.0 : sorted.get(sorted.size() / 2);
    }
}
