package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.tls.internal.EngineTrustManager;
import io.jlibp2p.security.tls.internal.TlsCertificateException;
import io.jlibp2p.security.tls.internal.TlsCertificates;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * libp2p TLS for QUIC (specs tls/tls.md, quic): our self-signed certificate with the libp2p Public
 * Key Extension and ALPN {@code libp2p}. BoringSSL trusts any certificate; our trust manager then
 * verifies the libp2p extension, derives the remote peer id and rejects a peer other than the one
 * dialed, which fails the handshake with an alert. Thread-safe.
 */
public final class QuicTls {
  /** The ALPN protocol of libp2p over QUIC. */
  public static final String ALPN = "libp2p";

  /** Per-channel verification state, created by the engine provider. */
  static final AttributeKey<PeerVerification> VERIFICATION =
      AttributeKey.valueOf(QuicTls.class, "verification");

  private final QuicSslContext serverContext;
  private final QuicSslContext clientContext;
  private final InstantSource clock;
  private final Map<SSLEngine, PeerVerification> pending = new ConcurrentHashMap<>();

  public QuicTls(PrivateKey identity, SecureRandom random, InstantSource clock) {
    this.clock = clock;
    TlsCertificates.Credentials creds = TlsCertificates.create(identity, random, clock.instant());
    X509Certificate[] chain = creds.chain().toArray(X509Certificate[]::new);
    Trust trust = new Trust();
    this.serverContext =
        QuicSslContextBuilder.forServer(creds.key(), null, chain)
            .trustManager(trust)
            .clientAuth(ClientAuth.REQUIRE)
            .applicationProtocols(ALPN)
            .earlyData(false)
            .build();
    this.clientContext =
        QuicSslContextBuilder.forClient()
            .keyManager(creds.key(), null, chain)
            .trustManager(trust)
            .applicationProtocols(ALPN)
            .earlyData(false)
            .build();
  }

  /** Engine provider of the server codec: a fresh verification without an expected peer. */
  QuicSslEngine serverEngine(QuicChannel ch) {
    PeerVerification v = new PeerVerification(null);
    ch.attr(VERIFICATION).set(v);
    return track(serverContext.newEngine(ch.alloc()), v, ch);
  }

  /** Engine provider of the client codec: the dialer put the verification on the channel. */
  QuicSslEngine clientEngine(QuicChannel ch) {
    PeerVerification v = ch.attr(VERIFICATION).get();
    if (v == null) {
      v = new PeerVerification(null);
      ch.attr(VERIFICATION).set(v);
    }
    return track(clientContext.newEngine(ch.alloc()), v, ch);
  }

  private QuicSslEngine track(QuicSslEngine engine, PeerVerification v, QuicChannel ch) {
    pending.put(engine, v);
    ch.closeFuture().addListener(f -> pending.remove(engine));
    return engine;
  }

  /**
   * The authenticated remote of an established connection; forgets its engine. A resumed TLS
   * session skips certificate verification, so then the certificate the session was established
   * with is verified here (it is bound to the session, and must still name the expected peer).
   */
  TlsCertificates.VerifiedPeer verifiedPeer(QuicChannel ch, PeerVerification v) throws IOException {
    SSLEngine e = ch.sslEngine();
    if (e != null) {
      pending.remove(e);
    }
    if (v != null && v.verified != null) {
      return v.verified;
    }
    if (e == null) {
      throw new SecurityHandshakeException("QUIC handshake finished without a TLS engine");
    }
    try {
      Certificate[] chain = e.getSession().getPeerCertificates();
      List<byte[]> der = new ArrayList<>(chain.length);
      for (Certificate c : chain) {
        der.add(c.getEncoded());
      }
      TlsCertificates.VerifiedPeer peer = TlsCertificates.verify(der, clock.instant());
      if (v != null && v.expected != null && !v.expected.equals(peer.peerId())) {
        throw new PeerIdMismatchException(
            "peer id mismatch: expected " + v.expected + ", remote is " + peer.peerId());
      }
      return peer;
    } catch (SSLPeerUnverifiedException | CertificateException ex) {
      throw new SecurityHandshakeException(
          "QUIC handshake finished without a verified peer certificate: " + ex.getMessage(), ex);
    }
  }

  /** Number of handshakes in progress, for tests. */
  int pendingHandshakes() {
    return pending.size();
  }

  /** What the trust manager learned about the remote during one handshake. */
  static final class PeerVerification {
    final PeerId expected;
    volatile TlsCertificates.VerifiedPeer verified;
    volatile TlsCertificateException failure;

    PeerVerification(PeerId expected) {
      this.expected = expected;
    }
  }

  private final class Trust extends EngineTrustManager {
    @Override
    protected void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
      PeerVerification v = engine == null ? null : pending.get(engine);
      if (v == null) {
        throw new TlsCertificateException("no handshake in progress for this engine");
      }
      try {
        if (chain == null) {
          throw new TlsCertificateException("peer sent no certificate");
        }
        List<byte[]> der = new ArrayList<>(chain.length);
        for (X509Certificate c : chain) {
          der.add(c.getEncoded());
        }
        TlsCertificates.VerifiedPeer peer = TlsCertificates.verify(der, clock.instant());
        if (v.expected != null && !v.expected.equals(peer.peerId())) {
          throw TlsCertificateException.peerMismatch(
              "peer id mismatch: expected " + v.expected + ", remote is " + peer.peerId());
        }
        v.verified = peer;
      } catch (TlsCertificateException e) {
        v.failure = e;
        throw e;
      }
    }
  }
}
