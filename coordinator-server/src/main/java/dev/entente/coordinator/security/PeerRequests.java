package dev.entente.coordinator.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.thirdparty.io.grpc.ForwardingServerCallListener;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Raft request counts only from the node the connection's certificate names: a vote, an append or a
 * snapshot that says it comes from node n3 is refused ({@code PERMISSION_DENIED}, the call closed) unless
 * the certificate the caller presented in the TLS handshake names n3. {@link PeerCertificates} lets only
 * certificates naming some node of the cluster connect; this stops a node from speaking as another.
 */
public final class PeerRequests implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(PeerRequests.class);
    private static final int MAX_LOGGED = 256;

    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return next.startCall(call, headers); // plain text (--insecure): no certificate to bind to
        }
        List<String> names;
        try {
            Certificate[] presented = session.getPeerCertificates();
            names = PeerCertificates.names((X509Certificate) presented[0]);
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            call.close(Status.UNAUTHENTICATED.withDescription("no verified certificate on this connection"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                Optional<String> requestor = requestor(message);
                if (requestor.isPresent() && !names.contains(requestor.get())) {
                    refused = true;
                    String why = "a request of node " + requestor.get() + " over a connection whose certificate names "
                            + names + ", not " + requestor.get();
                    if (logged.size() < MAX_LOGGED && logged.add(why)) {
                        LOG.warn("Raft port: refused {}", why);
                    }
                    call.close(Status.PERMISSION_DENIED.withDescription(why), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** The node a Raft request says it comes from; empty for a message that is not a peer's request. */
    private static Optional<String> requestor(Object message) {
        RaftRpcRequestProto request;
        if (message instanceof AppendEntriesRequestProto append) {
            request = append.getServerRequest();
        } else if (message instanceof RequestVoteRequestProto vote) {
            request = vote.getServerRequest();
        } else if (message instanceof InstallSnapshotRequestProto snapshot) {
            request = snapshot.getServerRequest();
        } else if (message instanceof ReadIndexRequestProto readIndex) {
            request = readIndex.getServerRequest();
        } else if (message instanceof StartLeaderElectionRequestProto election) {
            request = election.getServerRequest();
        } else {
            return Optional.empty();
        }
        return Optional.of(request.getRequestorId().toStringUtf8());
    }
}
