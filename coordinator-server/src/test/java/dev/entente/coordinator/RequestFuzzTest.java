package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.entente.coordinator.rpc.MalformedRequests;
import dev.entente.coordinator.testing.MessageMutator;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchAck;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.Heartbeat;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.PublishRequest;
import dev.entente.protocol.RegisterBranchRequest;
import dev.entente.protocol.SessionHello;
import dev.entente.protocol.SessionUp;
import dev.entente.protocol.StatusRequest;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input hardening: a real coordinator process is sent random and mutated protobuf requests on every
 * gRPC method (the RM Session stream too), oversized messages, random HTTP/2 frames and slow-loris
 * connections. Each part must leave the process alive and serving a normal Begin/Commit, and no request
 * may reach the coordinator's "unexpected failure" path. {@code -Dentente.fuzz.seconds=N} sets the
 * mutation budget (30 s by default, for CI), {@code -Dentente.fuzz.seed=S} replays a run.
 */
@Timeout(900)
class RequestFuzzTest {

    private static final long FUZZ_SECONDS = Long.getLong("entente.fuzz.seconds", 30);
    private static final long SEED = Long.getLong("entente.fuzz.seed", System.currentTimeMillis());
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    private static final int MAX_MESSAGE_BYTES = 1 << 20;

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    static CoordinatorClient client;
    static ManagedChannel channel;
    final Random random = new Random(SEED);
    final MessageMutator mutator = new MessageMutator(random);

    @BeforeAll
    static void start() {
        System.out.println("request fuzzing: seed " + SEED + " (replay with -Dentente.fuzz.seed=" + SEED + ")");
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
        client = CoordinatorClient.connect(coordinator.clientAddress());
        channel = NettyChannelBuilder.forTarget(coordinator.clientAddress()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws IOException {
        channel.shutdownNow();
        client.close();
        coordinator.close();
        Files.copy(coordinator.logFile(), Path.of("target", "request-fuzz-coordinator.log"), StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterEach
    void serverStillServes() throws IOException {
        assertThat(coordinator.isAlive()).as("coordinator process alive (seed " + SEED + ")").isTrue();
        String xid = TestTransactions.begin(client, "fuzz-check", 10_000);
        assertThat(client.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        String log = Files.readString(coordinator.logFile());
        assertThat(log).as("coordinator log (seed " + SEED + ")")
                .doesNotContain("unexpected failure serving a request").doesNotContain("OutOfMemoryError");
    }

    /** A gRPC method taking raw bytes, so that anything can be sent as its request. */
    private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(method.getType())
                .setFullMethodName(method.getFullMethodName())
                .setRequestMarshaller(MalformedRequests.BYTES).setResponseMarshaller(MalformedRequests.BYTES).build();
    }

    /** Valid requests of each method, around a transaction that exists. */
    private Map<String, Supplier<MessageLite>> validRequests(String xid) {
        return Map.of(
                CoordinatorGrpc.getRegisterBranchMethod().getFullMethodName(),
                () -> RegisterBranchRequest.newBuilder().setXid(xid).setResource("fuzz-db").setInstanceId("fuzz-rm").build(),
                CoordinatorGrpc.getReportBranchMethod().getFullMethodName(),
                () -> BranchReport.newBuilder().setXid(xid).setBranchId(1).setVote(BranchVote.PREPARED).build(),
                CoordinatorGrpc.getCommitMethod().getFullMethodName(), () -> EndRequest.newBuilder().setXid(xid).build(),
                CoordinatorGrpc.getRollbackMethod().getFullMethodName(),
                () -> EndRequest.newBuilder().setXid(xid).setReason("fuzz").build(),
                CoordinatorGrpc.getPublishMethod().getFullMethodName(), () -> PublishRequest.newBuilder().setXid(xid)
                        .setKafka("127.0.0.1:9").addMessages(OutgoingMessage.newBuilder().setMessageId("m1").setTopic("t")
                                .setHasKey(true).setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("{}")))
                        .build(),
                CoordinatorGrpc.getStatusMethod().getFullMethodName(), () -> StatusRequest.newBuilder().setXid(xid).build(),
                CoordinatorGrpc.getSessionMethod().getFullMethodName(), this::sessionMessage);
    }

    private SessionUp sessionMessage() {
        return switch (random.nextInt(3)) {
            case 0 -> SessionUp.newBuilder().setHello(SessionHello.newBuilder().setApp("fuzz").setInstanceId("fuzz-" + random.nextInt(4))
                    .addResources("fuzz-db")).build();
            case 1 -> SessionUp.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentAtMillis(random.nextLong())).build();
            default -> SessionUp.newBuilder().setAck(BranchAck.newBuilder().setXid("entente:1:" + random.nextInt(100))
                    .setBranchId(random.nextInt(5) - 1).setDone(random.nextBoolean())).build();
        };
    }

    private byte[] payload(Supplier<MessageLite> valid) {
        return random.nextInt(4) == 0 ? mutator.randomBytes(2048) : mutator.mutate(valid.get().toByteArray());
    }

    @Test
    void randomAndMutatedRequestsOnEveryMethodGetErrorRepliesAndTheServerKeepsServing() {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>(CoordinatorGrpc.getServiceDescriptor().getMethods());
        Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
        List<String> unexpected = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FUZZ_SECONDS);
        int sent = 0;
        String xid = TestTransactions.begin(client, "fuzz", 600_000);
        while (System.nanoTime() < deadline) {
            if (sent % 200 == 0) {
                xid = TestTransactions.begin(client, "fuzz", 600_000);
            }
            MethodDescriptor<?, ?> method = methods.get(random.nextInt(methods.size()));
            Supplier<MessageLite> valid = validRequests(xid).get(method.getFullMethodName());
            Status status = method.getType() == MethodDescriptor.MethodType.UNARY
                    ? unary(raw(method), payload(valid)) : session(raw(method), valid);
            codes.merge(status.getCode(), 1, Integer::sum);
            String description = String.valueOf(status.getDescription());
            if (description.startsWith("coordinator error") || status.getCode() == Status.Code.UNKNOWN
                    || status.getCode() == Status.Code.INTERNAL) {
                unexpected.add(method.getBareMethodName() + ": " + status);
            }
            sent++;
        }
        System.out.println("request fuzzing: " + sent + " requests in " + FUZZ_SECONDS + " s, replies by status: " + codes);
        assertThat(unexpected).as("replies from the coordinator's unexpected-failure path (seed " + SEED + ")").isEmpty();
        assertThat(sent).isGreaterThan(methods.size());
    }

    private static Status unary(MethodDescriptor<byte[], byte[]> method, byte[] request) {
        try {
            ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    /** A Session stream: one to four messages (the first often a valid hello), then half-closed or cancelled. */
    private Status session(MethodDescriptor<byte[], byte[]> method, Supplier<MessageLite> valid) {
        List<byte[]> messages = new ArrayList<>();
        if (random.nextBoolean()) {
            messages.add(validRequests("").get(method.getFullMethodName()).get().toByteArray());
        }
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            messages.add(payload(valid));
        }
        return session(method, messages, random.nextBoolean());
    }

    /** Sends {@code messages} on a new Session stream, then half-closes it or walks away; the status it ends with. */
    private static Status session(MethodDescriptor<byte[], byte[]> method, List<byte[]> messages, boolean halfClose) {
        ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        StreamObserver<byte[]> up = ClientCalls.asyncBidiStreamingCall(call, new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
            }

            @Override
            public void onError(Throwable t) {
                closed.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        });
        messages.forEach(up::onNext);
        if (halfClose) {
            up.onCompleted();
        } else {
            call.cancel("fuzzer walks away", null);
        }
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            call.cancel("no close within 10 s", null);
            return Status.DEADLINE_EXCEEDED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOversizedMessageIsRefusedWithResourceExhausted() {
        byte[] oversized = EndRequest.newBuilder().setName("x".repeat(MAX_MESSAGE_BYTES + 1)).build().toByteArray();
        Status unaryStatus = unary(raw(CoordinatorGrpc.getCommitMethod()), oversized);
        assertThat(unaryStatus.getCode()).as(unaryStatus.toString()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        byte[] hugeHello = SessionUp.newBuilder().setHello(SessionHello.newBuilder().setInstanceId("big")
                .addResources("r".repeat(MAX_MESSAGE_BYTES + 1))).build().toByteArray();
        Status sessionStatus = session(raw(CoordinatorGrpc.getSessionMethod()), List.of(hugeHello), true);
        assertThat(sessionStatus.getCode()).as(sessionStatus.toString())
                .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);

        // just under the limit is decoded and refused for what it says, not for its size
        byte[] large = EndRequest.newBuilder().setXid(TestTransactions.begin(client, "fuzz", 60_000)).setName("x".repeat(MAX_MESSAGE_BYTES - 100))
                .build().toByteArray();
        Status largeStatus = unary(raw(CoordinatorGrpc.getCommitMethod()), large);
        assertThat(largeStatus.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(largeStatus.getDescription()).contains("name may have at most");
    }

    @Test
    void randomHttp2FramesDoNotStopTheServer() throws Exception {
        for (int connection = 0; connection < 200; connection++) {
            try (Socket socket = new Socket("127.0.0.1", clientPort())) {
                socket.setSoTimeout(2000);
                OutputStream out = socket.getOutputStream();
                out.write(PREFACE.getBytes(StandardCharsets.US_ASCII));
                int frames = 1 + random.nextInt(8);
                for (int i = 0; i < frames; i++) {
                    byte[] payload = mutator.randomBytes(random.nextInt(4) == 0 ? 20_000 : 64);
                    int declared = random.nextInt(8) == 0 ? 0xFFFFFF : payload.length; // sometimes a length that lies
                    out.write(new byte[] {(byte) (declared >> 16), (byte) (declared >> 8), (byte) declared,
                        (byte) random.nextInt(12), (byte) random.nextInt(256),
                        (byte) random.nextInt(128), (byte) random.nextInt(256), (byte) random.nextInt(256), (byte) random.nextInt(256)});
                    out.write(payload);
                }
                out.flush();
            } catch (IOException expected) {
                // the server closes a connection that breaks the protocol, maybe while we write
            }
        }
    }

    @Test
    void slowLorisConnectionsDoNotStopTheServer() throws Exception {
        List<Socket> trickling = new ArrayList<>();
        byte[] opening = (PREFACE + "\0\0\0\4\0\0\0\0\0").getBytes(StandardCharsets.ISO_8859_1);
        try {
            for (int i = 0; i < 300; i++) {
                trickling.add(new Socket("127.0.0.1", clientPort()));
            }
            // each connection gets one more byte of a valid opening every round; none ever completes
            for (int round = 0; round < opening.length - 1 && round < 20; round++) {
                for (Socket socket : trickling) {
                    try {
                        socket.getOutputStream().write(opening[round]);
                    } catch (IOException closedByServer) {
                        // the server may give up on a connection that trickles; that is allowed
                    }
                }
                String xid = TestTransactions.begin(client, "fuzz-check", 10_000);
                assertThat(client.rollback(xid, "", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
                Thread.sleep(200);
            }
        } finally {
            for (Socket socket : trickling) {
                socket.close();
            }
        }
    }

    @Test
    void slowRequestsOnTheAdminPortDoNotBlockIt() throws Exception {
        String[] hostPort = coordinator.adminAddress().split(":");
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) { // more than the admin port's threads
                Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
                socket.getOutputStream().write("GET /clu".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stalled.add(socket);
            }
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + coordinator.adminAddress() + "/health/live")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    private static int clientPort() {
        return Integer.parseInt(coordinator.clientAddress().split(":")[1]);
    }
}
