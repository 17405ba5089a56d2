package dev.entente.coordinator.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may speak on the Raft port: a node of this cluster, not any holder of a certificate the CA signed.
 * A certificate names a node when its subject CN, or one of its subject alternative names (DNS or URI),
 * is that node's id as {@code --peers} gives it. On top of the CA's check:
 * <ul>
 *   <li>a node that connects to this one must present a certificate naming one of the nodes in
 *       {@code --peers} (TLS does not say which node it claims to be);</li>
 *   <li>a node this one connects to must present a certificate naming the node whose address in
 *       {@code --peers} it dialled.</li>
 * </ul>
 * A refused certificate fails the TLS handshake; the first refusal of each certificate is logged.
 */
public final class PeerCertificates extends X509ExtendedTrustManager {

    private static final Logger LOG = LoggerFactory.getLogger(PeerCertificates.class);
    private static final int MAX_LOGGED = 256;

    private final X509ExtendedTrustManager authority;
    private final Supplier<Map<String, String>> peers;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    /** {@code peers}: node id to Raft address (host:port), as {@code --peers} gives them. */
    public PeerCertificates(X509TrustManager authority, Map<String, String> peers) {
        this(authority, () -> peers);
    }

    /** {@code peers}: the nodes of the group at the time of each handshake (it changes with cluster add and remove). */
    public PeerCertificates(X509TrustManager authority, Supplier<Map<String, String>> peers) {
        if (!(authority instanceof X509ExtendedTrustManager extended)) {
            throw new IllegalArgumentException("the CA's trust manager does not check host names: " + authority.getClass());
        }
        this.authority = extended;
        this.peers = peers;
    }

    /** The names a certificate gives its holder: its subject's CNs, then its DNS and URI alternative names. */
    public static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // a subject we cannot read names nobody
        }
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    int type = (Integer) alternative.get(0);
                    if (type == 2 || type == 6) { // dNSName, uniformResourceIdentifier
                        names.add(String.valueOf(alternative.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no readable alternative names
        }
        return names;
    }

    /** True if {@code certificate} names node {@code nodeId}. */
    public static boolean namesNode(X509Certificate certificate, String nodeId) {
        return names(certificate).contains(nodeId);
    }

    /** A certificate of the peer's, for an error message: its subject and the names it gives. Never key material. */
    public static String describe(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName() + " (names " + names(certificate) + ")";
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        authority.checkClientTrusted(chain, authType, socket);
        requireSomePeer(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        authority.checkClientTrusted(chain, authType, engine);
        requireSomePeer(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        authority.checkClientTrusted(chain, authType);
        requireSomePeer(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        authority.checkServerTrusted(chain, authType, socket);
        String host = socket == null || socket.getInetAddress() == null ? null : socket.getInetAddress().getHostAddress();
        requireDialledPeer(chain, host, socket == null ? -1 : socket.getPort());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        authority.checkServerTrusted(chain, authType, engine);
        requireDialledPeer(chain, engine == null ? null : engine.getPeerHost(), engine == null ? -1 : engine.getPeerPort());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        authority.checkServerTrusted(chain, authType);
        requireSomePeer(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return authority.getAcceptedIssuers();
    }

    private void requireSomePeer(X509Certificate[] chain) throws CertificateException {
        X509Certificate presented = chain[0];
        Set<String> nodes = peers.get().keySet();
        if (nodes.stream().noneMatch(id -> namesNode(presented, id))) {
            throw refused("a node connecting to this one presented " + describe(presented) + ", which names none of the nodes "
                    + "in --peers " + nodes + "; a Raft peer's certificate must name its node id (CN or subject "
                    + "alternative name)");
        }
    }

    /** The node this one dialled at {@code host:port}: the certificate must name it, or (address unknown) some node. */
    private void requireDialledPeer(X509Certificate[] chain, String host, int port) throws CertificateException {
        Optional<String> dialled = peers.get().entrySet().stream()
                .filter(peer -> peer.getValue().equals(host + ":" + port)).map(Map.Entry::getKey).findFirst();
        if (dialled.isEmpty()) {
            requireSomePeer(chain);
            return;
        }
        X509Certificate presented = chain[0];
        if (!namesNode(presented, dialled.get())) {
            throw refused("node " + dialled.get() + " at " + host + ":" + port + " presented " + describe(presented)
                    + ", which does not name " + dialled.get() + "; a Raft peer's certificate must name its node id "
                    + "(CN or subject alternative name)");
        }
    }

    private CertificateException refused(String why) {
        if (logged.size() < MAX_LOGGED && logged.add(why)) {
            LOG.warn("Raft port: refused {}", why);
        }
        return new CertificateException(why);
    }
}
