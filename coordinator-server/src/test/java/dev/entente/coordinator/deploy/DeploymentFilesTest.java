package dev.entente.coordinator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.entente.coordinator.CoordinatorMain;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.JvmProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files under deploy/ work as written: the Dockerfile runs the jar {@code bin/entente coordinator} runs and
 * exposes the ports the manifests use; the manifests fit together; and three real coordinator nodes, started with
 * exactly the command line (the image's ENTRYPOINT) and the environment the StatefulSet gives each pod, with the
 * Secrets made as docs/operations.md makes them mounted where the pod mounts them, elect a leader and pass the
 * pod's probes, and keep serving when the PodDisruptionBudget lets a pod go.
 *
 * <p>Each pod stands on a loopback address of its own ({@code 127.0.21.1} for ordinal 0, ...; Linux answers on all of
 * 127/8): its DNS name under the headless Service resolves there, and {@code 0.0.0.0} (all the pod's addresses) means
 * that address. The ports stay those of the manifests; the pod's paths are directories of its own.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "default";

    private final List<Pod> pods = new ArrayList<>();

    @AfterEach
    void stopThePods() {
        pods.forEach(Pod::close);
    }

    @Test
    void theImageRunsTheJarTheLauncherRunsAndExposesThePortsTheManifestsUse() throws Exception {
        Manifests manifests = Manifests.load();
        Dockerfile image = Dockerfile.load();
        JsonNode container = manifests.container();

        assertThat(image.entrypoint()).as("ENTRYPOINT").hasSize(3).startsWith("java", "-jar");
        String imageJar = image.entrypoint().get(2);
        assertThat(image.copiedFromBuild()).as("the jar the ENTRYPOINT runs is the one the build stage made")
                .containsEntry(imageJar, "coordinator-server/target/" + shadedJarName());
        assertThat(image.buildCommand()).as("the build stage packages the coordinator").contains("package").contains("-pl coordinator-server");

        String launcher = Files.readString(ROOT.resolve("bin/entente"));
        assertThat(launcher).as("bin/entente").contains("COORDINATOR_JAR=\"$ROOT/coordinator-server/target/" + shadedJarName() + "\"");
        String coordinatorCase = launcher.substring(launcher.indexOf("\n  coordinator)"), launcher.indexOf(";;", launcher.indexOf("\n  coordinator)")));
        assertThat(coordinatorCase).as("bin/entente coordinator runs java -jar on the same jar, options passed on")
                .contains("exec java ${ENTENTE_JAVA_OPTS:-} -jar \"$COORDINATOR_JAR\" \"$@\"");

        assertThat(container.path("command").isMissingNode()).as("the pod keeps the image's ENTRYPOINT").isTrue();
        assertThat(image.exposed()).as("EXPOSE").isEqualTo(new TreeSet<>(containerPorts(container).values()));
        assertThat(image.user()).as("USER").isEqualTo(manifests.podSpec().at("/securityContext/runAsUser").asText() + ":"
                + manifests.podSpec().at("/securityContext/runAsGroup").asText());
        String dataDir = image.environment().get("ENTENTE_DATA_DIR");
        assertThat(image.volumes()).as("VOLUME").containsExactly(dataDir);
        assertThat(mountPathOf(container, manifests.statefulSet().at("/spec/volumeClaimTemplates/0/metadata/name").asText()))
                .as("the data volume is mounted where the image keeps its data").isEqualTo(dataDir);
        assertThat(Files.readString(ROOT.resolve("docs/operations.md")))
                .as("docs/operations.md builds the image the StatefulSet runs")
                .contains("docker build -f deploy/Dockerfile -t " + container.path("image").asText() + " .");
    }

    @Test
    void theManifestsFitTogether() throws Exception {
        Manifests manifests = Manifests.load();
        JsonNode service = manifests.service();
        JsonNode statefulSet = manifests.statefulSet();
        Map<String, String> podLabels = strings(manifests.podTemplate().at("/metadata/labels"));

        assertThat(service.at("/spec/clusterIP").asText()).as("a headless Service").isEqualTo("None");
        assertThat(service.at("/spec/publishNotReadyAddresses").asBoolean())
                .as("pods find each other by name before they are ready (they are ready only once they elected a leader)").isTrue();
        assertThat(podLabels).as("the Service selects the pods").containsAllEntriesOf(strings(service.at("/spec/selector")));
        Map<String, Integer> ports = containerPorts(manifests.container());
        for (JsonNode port : service.at("/spec/ports")) {
            assertThat(ports).as("Service port " + port.path("name").asText()).containsEntry(port.path("targetPort").asText(),
                    port.path("port").asInt());
        }
        assertThat(statefulSet.at("/spec/serviceName").asText()).isEqualTo(service.at("/metadata/name").asText());
        assertThat(statefulSet.at("/spec/podManagementPolicy").asText())
                .as("all pods start at once: pod 0 is never ready alone, so OrderedReady would never start pod 1").isEqualTo("Parallel");
        assertThat(podLabels).containsAllEntriesOf(strings(statefulSet.at("/spec/selector/matchLabels")));
        assertThat(podLabels).as("the budget covers the pods")
                .containsAllEntriesOf(strings(manifests.budget().at("/spec/selector/matchLabels")));
        int replicas = statefulSet.at("/spec/replicas").asInt();
        assertThat(allowedDisruptions(manifests)).as("the budget lets a pod go, and never a majority")
                .isBetween(1, replicas - (replicas / 2 + 1));

        JsonNode security = manifests.podSpec().path("securityContext");
        assertThat(security.path("fsGroup").asInt()).as("the pod's files belong to the node's group").isEqualTo(security.path("runAsGroup").asInt());
        for (JsonNode volume : manifests.podSpec().path("volumes")) {
            int mode = volume.at("/secret/defaultMode").asInt(0644);
            assertThat(mode & 0040).as(volume.path("name").asText() + ": the node's group (fsGroup) reads the Secret").isNotZero();
            assertThat(mode & 0007).as(volume.path("name").asText() + ": no one else does").isZero();
        }

        Map<String, String> environment = new Pod(manifests, Dockerfile.load(), 0, Path.of("/nonexistent")).manifestEnvironment();
        List<String> peerIds = Stream.of(environment.get("ENTENTE_PEERS").split(",")).map(peer -> peer.split("=")[0]).toList();
        assertThat(peerIds).as("ENTENTE_PEERS names every pod, by its name")
                .isEqualTo(Stream.iterate(0, i -> i + 1).limit(replicas).map(i -> podName(manifests, i)).toList());

        Set<String> listed = new TreeSet<>();
        manifests.kustomization().path("resources").forEach(resource -> listed.add(resource.asText()));
        try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
            assertThat(listed).as("kustomization.yaml lists every manifest")
                    .isEqualTo(files.map(f -> f.getFileName().toString()).filter(f -> !f.equals("kustomization.yaml"))
                            .collect(Collectors.toCollection(TreeSet::new)));
        }
    }

    @Test
    void threePodsAsTheManifestsGiveThemElectALeaderPassTheirProbesAndSurviveTheBudgetsDisruption(@TempDir Path work)
            throws Exception {
        Manifests manifests = Manifests.load();
        Dockerfile image = Dockerfile.load();
        int replicas = manifests.statefulSet().at("/spec/replicas").asInt();
        Map<String, Map<String, Path>> secrets = secretsAsTheDocsMakeThem(work, manifests);
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            Pod pod = new Pod(manifests, image, ordinal, work.resolve(podName(manifests, ordinal)));
            pod.mountVolumes(secrets);
            pods.add(pod);
        }

        // pod 0 alone: it starts and is live, and is not ready (there is no leader without a majority)
        Pod first = pods.get(0);
        CompletableFuture<Void> firstStart = CompletableFuture.runAsync(first::start);
        first.awaitProbe("startupProbe", first.probeWindow("startupProbe"));
        for (int i = 0; i < 3; i++) {
            assertThat(first.probe("readinessProbe")).as("pod 0 alone is not ready").isFalse();
            Thread.sleep(first.period("readinessProbe").toMillis());
        }
        // the others start at once (podManagementPolicy: Parallel); every pod turns ready
        List<CompletableFuture<Void>> starts = new ArrayList<>(List.of(firstStart));
        pods.subList(1, pods.size()).forEach(pod -> starts.add(CompletableFuture.runAsync(pod::start)));
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get();
        for (Pod pod : pods) {
            pod.awaitProbe("readinessProbe", Duration.ofSeconds(120));
            // a probe a busy pod did not answer within the manifest's timeout is asked again, as the kubelet does
            pod.awaitProbe("livenessProbe", Duration.ofSeconds(60));
        }
        String leader = agreedLeader(pods);
        for (Pod pod : pods) {
            // /cluster asked again while the pod does not answer in time (an empty answer then)
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(pod.cluster().path("nodeId").asText()).as("the pod's name is its node id").isEqualTo(pod.name));
            assertThat(pod.servesTheCertificateItIsGiven()).as(pod.name + "'s client port serves the Secret's certificate").isTrue();
            try (Stream<Path> data = Files.list(pod.volumeDirectory(manifests.statefulSet().at("/spec/volumeClaimTemplates/0/metadata/name").asText()))) {
                assertThat(data.map(file -> file.getFileName().toString())).as(pod.name + " keeps its log in its volume")
                        .anyMatch(file -> !file.equals("lost+found"));
            }
            assertThat(pod.residentBytes()).as(pod.name + "'s memory, within the container's limit")
                    .isLessThan(bytes(manifests.container().at("/resources/limits/memory").asText()));
        }

        // the budget lets the leader go (a drain): it stops within the grace period, and the others stay ready
        int allowed = allowedDisruptions(manifests);
        List<Pod> evicted = pods.stream().sorted(Comparator.comparing((Pod pod) -> !pod.name.equals(leader))).limit(allowed).toList();
        long grace = manifests.podSpec().path("terminationGracePeriodSeconds").asLong(30);
        for (Pod pod : evicted) {
            pod.terminate(Duration.ofSeconds(grace));
        }
        List<Pod> remaining = pods.stream().filter(pod -> !evicted.contains(pod)).toList();
        for (Pod pod : remaining) {
            pod.awaitProbe("readinessProbe", Duration.ofSeconds(60));
        }
        assertThat(agreedLeader(remaining)).as("a new leader among the pods left").isNotEqualTo(leader);

        // the StatefulSet starts the pod again with its volume: it catches up and every pod is ready
        for (Pod pod : evicted) {
            pod.start();
        }
        for (Pod pod : pods) {
            pod.awaitProbe("readinessProbe", Duration.ofSeconds(120));
        }
        assertThat(agreedLeader(pods)).isNotNull();
    }

    /** The leader every pod names; waits (60 s at most) until they agree. */
    private static String agreedLeader(List<Pod> pods) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<String> leaders = Set.of();
        while (System.nanoTime() < deadline) {
            leaders = pods.stream().map(pod -> pod.cluster().path("leaderId").asText("")).collect(Collectors.toSet());
            if (leaders.size() == 1 && !leaders.contains("") && !leaders.contains("null")) {
                return leaders.iterator().next();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the pods name no one leader: " + leaders);
    }

    /** A Kubernetes quantity of bytes: {@code 512Mi}, {@code 1Gi}. */
    private static long bytes(String quantity) {
        Matcher amount = Pattern.compile("([0-9]+)(Ki|Mi|Gi)").matcher(quantity);
        assertThat(amount.matches()).as("a memory quantity: " + quantity).isTrue();
        return Long.parseLong(amount.group(1)) << switch (amount.group(2)) {
            case "Ki" -> 10;
            case "Mi" -> 20;
            default -> 30;
        };
    }

    private static int allowedDisruptions(Manifests manifests) {
        JsonNode spec = manifests.budget().path("spec");
        int replicas = manifests.statefulSet().at("/spec/replicas").asInt();
        return spec.has("maxUnavailable") ? spec.path("maxUnavailable").asInt() : replicas - spec.path("minAvailable").asInt();
    }

    /**
     * Runs the docs' steps' products through the docs' {@code kubectl create secret} commands: the material of
     * the steps (a CA, a node certificate naming the pods' addresses, the secrets file, an admin token) by the
     * file names the docs give it, and each Secret's keys as the commands name them.
     */
    private static Map<String, Map<String, Path>> secretsAsTheDocsMakeThem(Path work, Manifests manifests) throws IOException {
        // the certificate names each pod by its node id and by where peers reach it (here, its loopback address)
        List<String> names = new ArrayList<>();
        for (int ordinal = 0; ordinal < manifests.statefulSet().at("/spec/replicas").asInt(); ordinal++) {
            names.addAll(List.of(podName(manifests, ordinal), podAddress(ordinal)));
        }
        Path material = work.resolve("material");
        CoordinatorSecurity security = CoordinatorSecurity.create(material, names).app("shop");
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        Files.writeString(material.resolve("admin-token"), HexFormat.of().formatHex(token) + "\n");
        Map<String, Path> made = Map.of("ca.pem", security.authority(), "node.pem", security.nodeCertificate(),
                "node.key", security.nodeKey(), "app-secrets", security.appSecrets(), "admin-token", material.resolve("admin-token"));

        String docs = Files.readString(ROOT.resolve("docs/operations.md")).replace("\\\n", " ");
        Matcher command = Pattern.compile("kubectl [^\\n]*create secret generic (\\S+)([^\\n]*)").matcher(docs);
        Map<String, Map<String, Path>> secrets = new LinkedHashMap<>();
        while (command.find()) {
            Map<String, Path> keys = new LinkedHashMap<>();
            Matcher file = Pattern.compile("--from-file=([^=\\s]+)=(\\S+)").matcher(command.group(2));
            while (file.find()) {
                Path source = made.get(Path.of(file.group(2)).getFileName().toString());
                assertThat(source).as("docs/operations.md: secret " + command.group(1) + " takes " + file.group(2)
                        + ", which the docs' steps make").isNotNull();
                keys.put(file.group(1), source);
            }
            secrets.put(command.group(1), keys);
        }
        assertThat(secrets).as("docs/operations.md's kubectl create secret commands").isNotEmpty();
        return secrets;
    }

    private static String podName(Manifests manifests, int ordinal) {
        return manifests.statefulSet().at("/metadata/name").asText() + "-" + ordinal;
    }

    /** Where pod {@code ordinal} stands in this test: a loopback address of its own. */
    private static String podAddress(int ordinal) {
        return "127.0.21." + (ordinal + 1);
    }

    private static Map<String, Integer> containerPorts(JsonNode container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort").asInt()));
        return ports;
    }

    private static String mountPathOf(JsonNode container, String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("the container mounts no volume " + volume);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }

    /** The file name of the jar maven-shade-plugin makes for the coordinator (its finalName), and its main class. */
    private static String shadedJarName() throws IOException {
        String pom = Files.readString(ROOT.resolve("coordinator-server/pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertThat(finalName.find()).as("coordinator-server/pom.xml names the shaded jar").isTrue();
        assertThat(pom).as("the jar's Main-Class").contains("<mainClass>" + CoordinatorMain.class.getName() + "</mainClass>");
        return finalName.group(1) + ".jar";
    }

    /** deploy/kubernetes, as kubectl apply -k reads it. */
    private record Manifests(JsonNode kustomization, JsonNode service, JsonNode statefulSet, JsonNode budget) {

        static Manifests load() throws IOException {
            JsonNode kustomization = YAML.readTree(DEPLOY.resolve("kubernetes/kustomization.yaml").toFile());
            Map<String, JsonNode> byKind = new LinkedHashMap<>();
            for (JsonNode resource : kustomization.path("resources")) {
                try (var documents = YAML.readerFor(JsonNode.class).readValues(DEPLOY.resolve("kubernetes").resolve(resource.asText()).toFile())) {
                    while (documents.hasNext()) {
                        JsonNode document = (JsonNode) documents.next();
                        assertThat(byKind.put(document.path("kind").asText(), document)).as("one " + document.path("kind")).isNull();
                    }
                }
            }
            assertThat(byKind).containsOnlyKeys("Service", "StatefulSet", "PodDisruptionBudget");
            return new Manifests(kustomization, byKind.get("Service"), byKind.get("StatefulSet"), byKind.get("PodDisruptionBudget"));
        }

        JsonNode podTemplate() {
            return statefulSet.at("/spec/template");
        }

        JsonNode podSpec() {
            return podTemplate().path("spec");
        }

        JsonNode container() {
            assertThat(podSpec().path("containers")).as("one container").hasSize(1);
            return podSpec().path("containers").get(0);
        }
    }

    /** deploy/Dockerfile: its build stage's command, and the final stage's instructions. */
    private record Dockerfile(String buildCommand, String buildDirectory, List<String> entrypoint, List<String> cmd,
                              Map<String, String> environment, Set<Integer> exposed, List<String> volumes, String user,
                              Map<String, String> copiedFromBuild) {

        static Dockerfile load() throws IOException {
            List<String> instructions = Stream.of(Files.readString(DEPLOY.resolve("Dockerfile")).replace("\\\n", " ").split("\n"))
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
            int finalStage = 0;
            for (int i = 0; i < instructions.size(); i++) {
                if (instructions.get(i).startsWith("FROM ")) {
                    finalStage = i;
                }
            }
            String buildCommand = "";
            String buildDirectory = "/";
            for (String line : instructions.subList(0, finalStage)) {
                buildCommand = line.startsWith("RUN ") ? buildCommand + line.substring(4) + "\n" : buildCommand;
                buildDirectory = line.startsWith("WORKDIR ") ? line.substring(8).strip() : buildDirectory;
            }
            List<String> entrypoint = List.of();
            List<String> cmd = List.of();
            Map<String, String> environment = new LinkedHashMap<>();
            Set<Integer> exposed = new TreeSet<>();
            List<String> volumes = new ArrayList<>();
            String user = "root";
            Map<String, String> copied = new LinkedHashMap<>();
            for (String line : instructions.subList(finalStage + 1, instructions.size())) {
                String[] words = line.split("\\s+", 2);
                String rest = words.length > 1 ? words[1] : "";
                switch (words[0]) {
                    case "ENTRYPOINT" -> entrypoint = execForm(line, rest);
                    case "CMD" -> cmd = execForm(line, rest);
                    case "ENV" -> environment.put(rest.substring(0, rest.indexOf('=')), rest.substring(rest.indexOf('=') + 1));
                    case "EXPOSE" -> Stream.of(rest.split("\\s+")).map(Integer::valueOf).forEach(exposed::add);
                    case "VOLUME" -> volumes.addAll(List.of(rest.split("\\s+")));
                    case "USER" -> user = rest;
                    case "COPY" -> {
                        String[] parts = rest.split("\\s+");
                        if (parts[0].startsWith("--from=")) {
                            String source = parts[1].startsWith(buildDirectory + "/") ? parts[1].substring(buildDirectory.length() + 1) : parts[1];
                            copied.put(parts[2], source);
                        }
                    }
                    default -> {
                    }
                }
            }
            assertThat(buildCommand).as("the build stage").isNotEmpty();
            return new Dockerfile(buildCommand, buildDirectory, entrypoint, cmd, environment, exposed, volumes, user, copied);
        }

        private static List<String> execForm(String line, String json) {
            try {
                return List.of(JSON.readValue(json, String[].class));
            } catch (IOException e) {
                throw new AssertionError("Dockerfile: " + line + ": not the exec form (a JSON array)", e);
            }
        }
    }

    /** One pod of the StatefulSet, run as a process on its own loopback address. */
    private static final class Pod {

        private final Manifests manifests;
        private final Dockerfile image;
        private final int ordinal;
        private final String name;
        private final String address;
        private final Path directory;
        private final JsonNode container;
        private final Map<String, Path> mounts = new LinkedHashMap<>();
        private volatile JvmProcess process;
        private volatile RuntimeException startFailure;

        Pod(Manifests manifests, Dockerfile image, int ordinal, Path directory) {
            this.manifests = manifests;
            this.image = image;
            this.ordinal = ordinal;
            this.name = podName(manifests, ordinal);
            this.address = podAddress(ordinal);
            this.directory = directory;
            this.container = manifests.container();
        }

        /** Each volume the container mounts, as a directory: a Secret's keys as files, a claim empty. */
        void mountVolumes(Map<String, Map<String, Path>> secrets) throws IOException {
            Map<String, JsonNode> volumes = new LinkedHashMap<>();
            manifests.podSpec().path("volumes").forEach(volume -> volumes.put(volume.path("name").asText(), volume));
            Set<String> claims = new TreeSet<>();
            manifests.statefulSet().at("/spec/volumeClaimTemplates").forEach(claim -> claims.add(claim.at("/metadata/name").asText()));
            for (JsonNode mount : container.path("volumeMounts")) {
                String volumeName = mount.path("name").asText();
                Path where = Files.createDirectories(volumeDirectory(volumeName));
                JsonNode volume = volumes.get(volumeName);
                if (volume != null && volume.has("secret")) {
                    String secretName = volume.at("/secret/secretName").asText();
                    assertThat(secrets).as("docs/operations.md creates the Secret " + secretName).containsKey(secretName);
                    for (Map.Entry<String, Path> key : secrets.get(secretName).entrySet()) {
                        Files.copy(key.getValue(), where.resolve(key.getKey()));
                    }
                } else {
                    assertThat(claims).as("volume " + volumeName + ": a Secret or a claim template").contains(volumeName);
                    Files.createDirectories(where.resolve("lost+found")); // as a fresh ext4 volume has
                }
                mounts.put(mount.path("mountPath").asText(), where);
            }
        }

        Path volumeDirectory(String volume) {
            return directory.resolve("volumes").resolve(volume);
        }

        /** The environment as the kubelet gives it: the image's ENV, then the container's env, $(VAR) expanded. */
        Map<String, String> manifestEnvironment() {
            Map<String, String> environment = new LinkedHashMap<>(image.environment());
            for (JsonNode variable : container.path("env")) {
                String value;
                if (variable.has("value")) {
                    value = expand(variable.path("value").asText(), environment);
                } else {
                    String field = variable.at("/valueFrom/fieldRef/fieldPath").asText();
                    value = switch (field) {
                        case "metadata.name" -> name;
                        case "metadata.namespace" -> NAMESPACE;
                        default -> throw new AssertionError("env " + variable.path("name").asText() + ": this test knows no " + variable);
                    };
                }
                environment.put(variable.path("name").asText(), value);
            }
            return environment;
        }

        private static String expand(String value, Map<String, String> environment) {
            Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
            return reference.replaceAll(match -> Matcher.quoteReplacement(environment.getOrDefault(match.group(1), match.group())));
        }

        /** A value as this pod sees it here: a mounted path in its directory, a pod's DNS name its loopback address. */
        private String localized(String value) {
            for (String mountPath : mounts.keySet().stream().sorted(Comparator.comparing(String::length).reversed()).toList()) {
                if (value.equals(mountPath) || value.startsWith(mountPath + "/")) {
                    return mounts.get(mountPath) + value.substring(mountPath.length());
                }
            }
            if (value.equals("0.0.0.0")) {
                return address;
            }
            String statefulSet = manifests.statefulSet().at("/metadata/name").asText();
            String service = manifests.service().at("/metadata/name").asText();
            int replicas = manifests.statefulSet().at("/spec/replicas").asInt();
            Matcher podHost = Pattern.compile(Pattern.quote(statefulSet) + "-([0-9]+)\\." + Pattern.quote(service)
                    + "(\\." + NAMESPACE + "\\.svc(\\.cluster\\.local)?)?(?=:)").matcher(value);
            return podHost.replaceAll(match -> {
                int other = Integer.parseInt(match.group(1));
                assertThat(other).as(value + " names a pod the StatefulSet has").isLessThan(replicas);
                return podAddress(other);
            });
        }

        /** The container's command line: the image's ENTRYPOINT (and CMD) unless the manifest overrides them. */
        private List<String> commandLine() {
            List<String> command = container.has("command") ? texts(container.path("command")) : image.entrypoint();
            List<String> args = container.has("args") ? texts(container.path("args")) : container.has("command") ? List.of() : image.cmd();
            List<String> line = new ArrayList<>(command);
            line.addAll(args);
            return line;
        }

        private static List<String> texts(JsonNode array) {
            List<String> texts = new ArrayList<>();
            array.forEach(text -> texts.add(text.asText()));
            return texts;
        }

        /**
         * Starts the container's process: {@code java} is this JVM's, and the jar the image holds is the one
         * {@code entente.coordinator.jar} names or, in the coordinator's own build (before it is packaged), its
         * Main-Class from this class path.
         */
        void start() {
            List<String> line = commandLine();
            assertThat(line.get(0)).as("the container runs java").isEqualTo("java");
            List<String> jvm = new ArrayList<>();
            for (int i = 1; i < line.size(); i++) {
                String argument = line.get(i);
                if (argument.equals("-jar") && image.copiedFromBuild().containsKey(line.get(i + 1))) {
                    String jar = System.getProperty("entente.coordinator.jar", "");
                    jvm.addAll(jar.isBlank() ? List.of("-cp", System.getProperty("java.class.path"), CoordinatorMain.class.getName())
                            : List.of("-jar", jar));
                    i++;
                } else {
                    jvm.add(localized(argument));
                }
            }
            process = new JvmProcess(name, jvm, directory.resolve(name + ".log"), " ready: ").withEnvironment(localEnvironment());
            startFailure = null;
            try {
                process.start(Duration.ofSeconds(120));
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }

        void close() {
            if (process != null) {
                process.close();
            }
        }

        void terminate(Duration grace) {
            long began = System.nanoTime();
            int status = process.terminate(grace);
            assertThat(status).as(name + " stopped by SIGTERM after an orderly shutdown").isEqualTo(143);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).as(name + "'s stop").isLessThan(grace);
        }

        /** The probe {@code kind} of the container, as the kubelet runs it: GET on the pod's address; 200-399 passes. */
        boolean probe(String kind) {
            JsonNode httpGet = container.path(kind).path("httpGet");
            assertThat(httpGet.isMissingNode()).as(kind + " is an HTTP GET").isFalse();
            JsonNode port = httpGet.path("port");
            int number = port.isInt() ? port.asInt() : containerPorts(container).getOrDefault(port.asText(), -1);
            try {
                HttpResponse<Void> response = http().send(HttpRequest.newBuilder(URI.create(scheme(httpGet) + "://" + address + ":"
                        + number + httpGet.path("path").asText("/"))).timeout(Duration.ofSeconds(container.path(kind).path("timeoutSeconds")
                        .asLong(1))).GET().build(), HttpResponse.BodyHandlers.discarding());
                return response.statusCode() >= 200 && response.statusCode() < 400;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        Duration period(String kind) {
            return Duration.ofSeconds(container.path(kind).path("periodSeconds").asLong(10));
        }

        /** How long the kubelet lets the probe fail before it acts: period × failure threshold. */
        Duration probeWindow(String kind) {
            return period(kind).multipliedBy(container.path(kind).path("failureThreshold").asLong(3));
        }

        void awaitProbe(String kind, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (!probe(kind)) {
                if (startFailure != null) {
                    throw new AssertionError(name + " did not start: " + startFailure.getMessage(), startFailure);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + "'s " + kind + " did not pass within " + limit + ":\n" + tail());
                }
                Thread.sleep(250);
            }
        }

        /** GET /cluster on the admin port, as the probes reach it, with the admin token of the pod's Secret if it has one. */
        JsonNode cluster() {
            try {
                int admin = containerPorts(container).get("admin");
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme(container.at("/readinessProbe/httpGet")) + "://"
                        + address + ":" + admin + "/cluster")).timeout(Duration.ofSeconds(3));
                String tokenFile = localEnvironment().get("ENTENTE_ADMIN_TOKEN_FILE");
                if (tokenFile != null) {
                    request.header("Authorization", "Bearer " + Files.readString(Path.of(tokenFile)).strip());
                }
                return JSON.readTree(http().send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
            } catch (IOException e) {
                return JSON.createObjectNode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static String scheme(JsonNode httpGet) {
            String scheme = httpGet.path("scheme").asText("HTTP");
            assertThat(scheme).as("a probe's scheme").isIn("HTTP", "HTTPS");
            return scheme.toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * A client for the admin port: over HTTPS it trusts the node's authority ({@code ENTENTE_TLS_CA}) and checks
         * the pod's address (stricter than the kubelet, which checks no certificate).
         */
        private HttpClient http() throws IOException {
            HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
            String authority = localEnvironment().get("ENTENTE_TLS_CA");
            return (authority == null ? client : client.sslContext(trusting(Path.of(authority)))).build();
        }

        /** The pod's environment as it runs here: the manifest's, with paths in the pod's directory and pods' names their addresses. */
        Map<String, String> localEnvironment() {
            Map<String, String> environment = new LinkedHashMap<>();
            manifestEnvironment().forEach((variable, value) -> environment.put(variable, localized(value)));
            return environment;
        }

        private static SSLContext trusting(Path authority) throws IOException {
            try (InputStream ca = Files.newInputStream(authority)) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                return context;
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("cannot trust " + authority + ": " + e, e);
            }
        }

        /**
         * A TLS handshake with the client port, trusting the authority the node is given ({@code ENTENTE_TLS_CA}) and
         * checking the pod's address: it presents the certificate it is given ({@code ENTENTE_TLS_CERT}).
         */
        boolean servesTheCertificateItIsGiven() throws Exception {
            Map<String, String> environment = localEnvironment();
            X509Certificate expected;
            try (InputStream node = Files.newInputStream(Path.of(environment.get("ENTENTE_TLS_CERT")))) {
                expected = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(node);
            }
            SSLContext context = trusting(Path.of(environment.get("ENTENTE_TLS_CA")));
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address, containerPorts(container).get("client"))) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setApplicationProtocols(new String[] {"h2"});
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(5000);
                socket.startHandshake();
                return socket.getSession().getPeerCertificates()[0].equals(expected);
            }
        }

        /** The process's resident memory, from /proc: what a container's memory limit bounds. */
        long residentBytes() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new AssertionError("no VmRSS in /proc/" + process.pid() + "/status");
        }

        private String tail() {
            List<String> lines = process == null ? List.of() : process.log().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
    }
}
