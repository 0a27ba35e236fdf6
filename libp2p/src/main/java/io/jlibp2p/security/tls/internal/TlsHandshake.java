package io.jlibp2p.security.tls.internal;

import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.internal.SecuredConnection;
import io.jlibp2p.security.tls.internal.TlsCertificates.Credentials;
import io.jlibp2p.security.tls.internal.TlsCertificates.VerifiedPeer;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.SecureRandom;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The libp2p TLS handshake (specs tls/tls.md) on the JDK's {@link SSLEngine}: TLS 1.3 only, client
 * authentication required, each side presenting a self-signed certificate with the libp2p
 * Public Key Extension, verified by {@link TlsCertificates#verify}; ALPN carries the muxers for
 * early negotiation (specs connections/inlined-muxer-negotiation.md). Thread-safe: one instance per
 * local identity, each call runs one handshake on the calling thread.
 */
public final class TlsHandshake {
  /** The ALPN protocol of libp2p TLS; last in every offer, it means "no early muxer". */
  public static final String ALPN = "libp2p";

  /** TLS 1.3 cipher suites in our order of preference: AES-GCM has JDK intrinsics. */
  static final String[] CIPHER_SUITES = {
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"
  };

  private final ProtocolId protocolId;
  private final PeerId localPeer;
  private final InstantSource clock;
  private final Function<RawConnection, Credentials> credentials;
  private final SSLContext context;
  /** The handshakes under way, by engine: what the key and trust managers need. */
  private final Map<SSLEngine, Attempt> attempts = new ConcurrentHashMap<>();
  private final Map<String, Attempt> aliases = new ConcurrentHashMap<>();
  private final AtomicLong nextAlias = new AtomicLong();

  /**
   * @param credentials makes the certificate chain and key we present on one connection
   */
  public TlsHandshake(
      ProtocolId protocolId,
      PrivateKey identity,
      SecureRandom random,
      InstantSource clock,
      Function<RawConnection, Credentials> credentials) {
    this.protocolId = Objects.requireNonNull(protocolId, "protocolId");
    this.localPeer = PeerId.fromPublicKey(identity.publicKey());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    EmptyIssuerCertificates.install();
    try {
      this.context = SSLContext.getInstance("TLSv1.3");
      this.context.init(
          new KeyManager[] {new KeyManagerImpl()},
          new TrustManager[] {new TrustManagerImpl()},
          Objects.requireNonNull(random, "random"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks TLS 1.3", e);
    }
  }

  public PeerId localPeer() {
    return localPeer;
  }

  /** One handshake's state, shared with the key and trust managers. */
  private static final class Attempt {
    final String alias;
    final Credentials credentials;
    final PeerId expected;
    volatile VerifiedPeer remote;

    Attempt(String alias, Credentials credentials, PeerId expected) {
      this.alias = alias;
      this.credentials = credentials;
      this.expected = expected;
    }
  }

  /**
   * Runs the handshake; on any failure closes {@code connection} and throws a {@link
   * SecurityHandshakeException}.
   *
   * @param expectedRemote checked against the server's certificate before we authenticate; may
   *     be null
   */
  public SecureConnection run(
      RawConnection connection, boolean initiator, PeerId expectedRemote, List<ProtocolId> muxers)
      throws IOException {
    SSLEngine engine = null;
    try {
      engine = context.createSSLEngine();
      Attempt attempt =
          new Attempt(
              "libp2p-" + nextAlias.incrementAndGet(),
              credentials.apply(connection),
              initiator ? expectedRemote : null);
      attempts.put(engine, attempt);
      aliases.put(attempt.alias, attempt);
      configure(engine, initiator, muxers);
      TlsRecordLayer records = new TlsRecordLayer(engine, connection);
      records.handshake();
      VerifiedPeer remote = attempt.remote;
      if (remote == null) {
        throw new SecurityHandshakeException("TLS handshake: the peer presented no certificate");
      }
      return new SecuredConnection(
          connection,
          records.in(),
          records.out(),
          localPeer,
          remote.peerId(),
          remote.publicKey(),
          protocolId,
          earlyMuxer(engine.getApplicationProtocol(), muxers),
          TlsRecordLayer.PREFERRED_FRAME_SIZE);
    } catch (SSLException e) {
      connection.close();
      throw translate(e);
    } catch (TlsRecordLayer.EndOfHandshakeException e) {
      connection.close();
      throw new SecurityHandshakeException("TLS handshake: " + e.getMessage(), e);
    } catch (SecurityHandshakeException e) {
      connection.close();
      throw e;
    } catch (IOException e) {
      connection.close();
      throw new SecurityHandshakeException("TLS handshake failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    } finally {
      if (engine != null) {
        Attempt a = attempts.remove(engine);
        if (a != null) {
          aliases.remove(a.alias);
        }
      }
    }
  }

  private void configure(SSLEngine engine, boolean initiator, List<ProtocolId> muxers) {
    engine.setUseClientMode(initiator);
    SSLParameters params = engine.getSSLParameters();
    params.setProtocols(new String[] {"TLSv1.3"});
    params.setCipherSuites(CIPHER_SUITES);
    params.setUseCipherSuitesOrder(true);
    params.setEndpointIdentificationAlgorithm(null);
    params.setServerNames(List.of()); // the spec forbids SNI
    if (initiator) {
      params.setApplicationProtocols(alpnOffer(muxers));
    } else {
      params.setNeedClientAuth(true);
    }
    engine.setSSLParameters(params);
    if (!initiator) {
      engine.setHandshakeApplicationProtocolSelector((e, offered) -> selectAlpn(offered, muxers));
    }
  }

  /** Our muxers in preference order, then {@value #ALPN}. */
  public static String[] alpnOffer(List<ProtocolId> muxers) {
    List<String> offer = new ArrayList<>(muxers.size() + 1);
    muxers.forEach(m -> offer.add(m.value()));
    offer.add(ALPN);
    return offer.toArray(String[]::new);
  }

  /**
   * The server's choice: the first of the client's protocols that we support (a muxer of ours or
   * {@value #ALPN}); null, which aborts the handshake, when there is none. A client that offers
   * nothing gets no ALPN answer.
   */
  public static String selectAlpn(List<String> offered, List<ProtocolId> muxers) {
    if (offered.isEmpty()) {
      return "";
    }
    for (String p : offered) {
      if (p.equals(ALPN) || muxers.stream().anyMatch(m -> m.value().equals(p))) {
        return p;
      }
    }
    return null;
  }

  private static Optional<ProtocolId> earlyMuxer(String selected, List<ProtocolId> muxers) {
    if (selected == null || selected.isEmpty() || selected.equals(ALPN)) {
      return Optional.empty();
    }
    return muxers.stream().filter(m -> m.value().equals(selected)).findFirst();
  }

  private static SecurityHandshakeException translate(SSLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TlsCertificateException c) {
        if (c.peerMismatch()) {
          PeerIdMismatchException m = new PeerIdMismatchException("TLS handshake: " + c.getMessage());
          m.initCause(e);
          return m;
        }
        return new SecurityHandshakeException(
            "TLS handshake: peer certificate refused: " + c.getMessage(), e);
      }
    }
    return new SecurityHandshakeException("TLS handshake failed: " + e.getMessage(), e);
  }

  private Attempt attempt(SSLEngine engine) {
    return engine == null ? null : attempts.get(engine);
  }

  private final class TrustManagerImpl extends EngineTrustManager {
    @Override
    protected void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
      Attempt attempt = attempt(engine);
      if (attempt == null) {
        throw new CertificateException("no libp2p TLS handshake for this engine");
      }
      List<byte[]> encoded = new ArrayList<>(chain.length);
      for (X509Certificate c : chain) {
        encoded.add(c.getEncoded());
      }
      VerifiedPeer peer = TlsCertificates.verify(encoded, clock.instant());
      if (attempt.expected != null && !attempt.expected.equals(peer.peerId())) {
        throw TlsCertificateException.peerMismatch(
            "remote is " + peer.peerId() + " (expected: " + attempt.expected + ")");
      }
      attempt.remote = peer;
    }
  }

  /** Presents each handshake's own credentials, whatever the peer asks for. */
  private final class KeyManagerImpl extends X509ExtendedKeyManager {
    private String alias(String[] keyTypes, SSLEngine engine) {
      Attempt attempt = attempt(engine);
      if (attempt == null) {
        return null;
      }
      String algorithm = attempt.credentials.key().getAlgorithm();
      for (String k : keyTypes) {
        if (k.equals(algorithm)) {
          return attempt.alias;
        }
      }
      return null;
    }

    private Attempt byAlias(String alias) {
      return alias == null ? null : aliases.get(alias);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return alias(keyType, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return alias(new String[] {keyType}, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Attempt a = byAlias(alias);
      return a == null ? null : a.credentials.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public java.security.PrivateKey getPrivateKey(String alias) {
      Attempt a = byAlias(alias);
      return a == null ? null : a.credentials.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
