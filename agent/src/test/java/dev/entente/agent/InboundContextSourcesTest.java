package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.ContextEchoService;
import dev.entente.agent.testing.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The setting accept-context-from in an app with the agent attached, on a real HTTP server listening on
 * 127.0.0.1: a request carrying an XID from an accepted address (127.0.0.1) runs inside that transaction;
 * the same request from another address (127.0.0.2, the same loopback interface) runs outside any, and
 * the service logs that once per sender.
 */
@Timeout(180)
class InboundContextSourcesTest {

    private static final String XID = "C-test0000001:1:1:16:zzzzzz";

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "jetty12", "webflux"})
    void contextIsTakenOnlyFromAcceptedAddresses(String server) throws Exception {
        Path work = Files.createTempDirectory("entente-inbound-" + server);
        try (ServiceProcess service = ServiceProcess.startUsing(server, work, "echo-" + server,
                "app=echo,accept-context-from=127.0.0.1/32,10.9.0.0/16", ContextEchoService.class, server)) {
            assertThat(xidSeenBy(service, "127.0.0.1")).as("from an accepted address").isEqualTo(XID);
            assertThat(xidSeenBy(service, "127.0.0.2")).as("from another address").isEqualTo("none");
            assertThat(xidSeenBy(service, "127.0.0.2")).as("again from the other address").isEqualTo("none");
            assertThat(xidSeenBy(service, "127.0.0.1")).as("again from the accepted address").isEqualTo(XID);

            String refusal = "ignoring the entente-xid header of a request from 127.0.0.2";
            assertThat(service.log()).contains(refusal).contains("accepts transaction context only from 127.0.0.1/32,10.9.0.0/16");
            assertThat(service.log().split(refusal, -1)).as("logged once").hasSize(2);
            assertThat(service.log()).doesNotContain("request from 127.0.0.1:").doesNotContain(XID + " ");
        }
    }

    /** POST /xid with the XID header, sent from a socket bound to {@code from}; the body of the answer. */
    private static String xidSeenBy(ServiceProcess service, String from) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", service.port()), 5000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            // HTTP/1.0: the answer comes whole, not chunked, and the connection closes after it
            out.write(("POST /xid HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nentente-xid: " + XID + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).as("response from %s", from).matches("(?s)HTTP/1\\.[01] 200 .*");
            return response.substring(response.indexOf("\r\n\r\n") + 4).trim();
        }
    }
}
