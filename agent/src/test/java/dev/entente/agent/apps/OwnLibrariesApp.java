package dev.entente.agent.apps;

import com.google.common.hash.Hashing;
import com.google.protobuf.StringValue;
import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * An application that ships its own gRPC (over plain, unshaded Netty), Protobuf, Guava and kafka-clients,
 * at versions other than the agent's, and uses them beside a {@code @GlobalTransactional} method.
 * {@code /check?id=...} calls a loopback gRPC server, hashes with Guava, configures a Kafka producer,
 * places an order in PostgreSQL in a global transaction, and answers a report: each library's jar and
 * what it did, and the XID the order committed in.
 * Arguments: port, JDBC URL.
 */
public final class OwnLibrariesApp {

    private static final MethodDescriptor<StringValue, StringValue> ECHO = MethodDescriptor.<StringValue, StringValue>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("isolation.Echo", "Echo"))
            .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .build();

    private final ShopDatabase database;

    OwnLibrariesApp(ShopDatabase database) {
        this.database = database;
    }

    String check(String id) throws Exception {
        return String.join("\n", grpc(), guava(), kafka(), "order " + id + " committed in " + placeOrder(id));
    }

    @GlobalTransactional(timeoutMillis = 10_000)
    public String placeOrder(String id) throws Exception {
        database.update("insert into orders(id, sku, quantity) values (?, ?, ?)", new Object[] {id, "grpc", 1}, false);
        return GlobalTransaction.currentXid().orElse("no transaction");
    }

    private static String grpc() throws Exception {
        ServerBuilder<?> serverBuilder = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create());
        Server server = serverBuilder.addService(ServerServiceDefinition.builder("isolation.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, reply) -> {
                    reply.onNext(StringValue.of("echo: " + request.getValue()));
                    reply.onCompleted();
                })).build()).build().start();
        ManagedChannelBuilder<?> channelBuilder = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
                InsecureChannelCredentials.create());
        ManagedChannel channel = channelBuilder.build();
        try {
            String echo = ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    StringValue.of("hello from the app")).getValue();
            return "grpc " + jarOf(Grpc.class) + " " + jarOf(serverBuilder.getClass()) + " " + serverBuilder.getClass().getName()
                    + " " + channelBuilder.getClass().getName() + "; netty " + jarOf(Class.forName("io.netty.channel.Channel"))
                    + "; protobuf " + jarOf(StringValue.class) + "; " + echo;
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    private static String guava() {
        return "guava " + jarOf(Hashing.class) + "; sha256 " + Hashing.sha256().hashString("entente", StandardCharsets.UTF_8);
    }

    private static String kafka() {
        ProducerConfig config = new ProducerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        try (StringSerializer serializer = new StringSerializer()) {
            return "kafka " + jarOf(ProducerConfig.class) + " version " + AppInfoParser.getVersion() + "; acks "
                    + config.getString(ProducerConfig.ACKS_CONFIG) + "; serialized " + serializer.serialize("orders", "hello").length
                    + " bytes";
        }
    }

    private static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return "(no jar for " + type.getName() + ": " + e + ")";
        }
    }

    public static void main(String[] args) throws Exception {
        OwnLibrariesApp app = new OwnLibrariesApp(ShopDatabase.open(args[1], "drivermanager"));
        HttpApp http = HttpApp.create("jdk", Integer.parseInt(args[0]));
        http.route("/check", q -> app.check(q.get("id")));
        http.start();
    }
}
