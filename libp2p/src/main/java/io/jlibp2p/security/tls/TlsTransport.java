package io.jlibp2p.security.tls;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.tls.internal.TlsCertificates;
import io.jlibp2p.security.tls.internal.TlsHandshake;
import io.jlibp2p.security.tls.internal.TlsRecordLayer;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import io.jlibp2p.spi.SecureTransport;
import io.jlibp2p.security.tls.internal.TlsCertificates.Credentials;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * libp2p TLS ({@code /tls/1.0.0}, specs tls/tls.md): TLS 1.3 (RFC 8446), both sides
 * authenticated by a self-signed certificate that carries the libp2p Public Key Extension (OID {@value TlsCertificates#EXTENSION_OID}): the host key and its signature of {@code
 * "libp2p-tls-handshake:"} followed by the certificate's SubjectPublicKeyInfo.
 *
 * <p>A transport makes one ECDSA P-256 certificate key and certificate, on its first handshake,
 * valid from an hour before its creation for about 100 years, and presents it on every connection
 * (as go-libp2p does; the spec allows reusing a certificate); a new one replaces it a day before
 * it expires. The peer's certificate is verified
 * strictly: exactly one certificate, valid now, correctly self-signed, no critical extension we do
 * not understand, and a valid libp2p extension; as initiator we check the expected peer id before
 * we authenticate ourselves. A refused certificate ends in a {@link
 * io.jlibp2p.core.SecurityHandshakeException} naming the check (a {@link
 * io.jlibp2p.core.PeerIdMismatchException} for an unexpected peer), and the peer gets a TLS alert.
 * As in every TLS 1.3 handshake with client authentication, the client finishes before the server
 * has checked its certificate: if the server refuses it, the client's first read fails.
 *
 * <p>ALPN carries the muxers passed to a handshake, then {@code "libp2p"} (specs
 * connections/inlined-muxer-negotiation.md): the server picks the first of the client's protocols
 * that it supports; a selected muxer becomes {@link SecureConnection#earlyMuxer()}, {@code
 * "libp2p"} means none (the caller negotiates one with multistream-select). Offering the empty list
 * means {@code "libp2p"} only.
 *
 * <p>jlibp2p runs the TLS 1.3 handshake and record layer itself, as much of TLS 1.3 as libp2p
 * uses: a full handshake with X25519 or P-256 key exchange, the suites TLS_AES_128_GCM_SHA256
 * (preferred), TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256 with the JDK's ciphers, key
 * updates; no session resumption, early data or SNI. Records are decrypted straight from the
 * network buffer into the reader's array in one pass of the JDK's AES-GCM, which the JDK's {@code
 * SSLEngine} cannot do (it decrypts in place, in two passes, and copies the plaintext out).
 *
 * <p>Thread-safe: one instance serves any number of concurrent handshakes, each blocking on the
 * calling thread; a failed handshake closes its connection. Handshake timeouts are the caller's: it
 * closes the connection. The resulting connection's {@code out()} buffers up to one record ({@value
 * TlsRecordLayer#MAX_RECORD_PLAINTEXT} bytes) and gathers sealed records, so writers must {@code
 * flush()}; it is safe for one reading and one writing thread.
 *
 * {@snippet :
 * Host host = Libp2p.builder().security(TlsTransport::new).build();
 * // or directly:
 * SecureConnection secured = new TlsTransport(identityKey).secureOutbound(raw, expectedPeer, List.of(Yamux.ID));
 * }
 */
public final class TlsTransport implements SecureTransport {
  /** The multistream-select id of libp2p TLS. */
  public static final ProtocolId PROTOCOL_ID = ProtocolId.of("/tls/1.0.0");

  /** How long before its expiry a certificate is replaced by a new one. */
  static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(1);

  private final TlsHandshake handshake;
  private final PrivateKey identity;
  private final SecureRandom random;
  private final InstantSource clock;
  private final ReentrantLock credentialsLock = new ReentrantLock();
  private Credentials credentials; // guarded by credentialsLock

  /** A transport for {@code identity}, with the system clock and a strong random source. */
  public TlsTransport(PrivateKey identity) {
    this(identity, new SecureRandom(), InstantSource.system());
  }

  /**
   * As {@link #TlsTransport(PrivateKey)}, drawing certificate keys and TLS randomness from {@code
   * random} and checking certificate validity against {@code clock}.
   */
  public TlsTransport(PrivateKey identity, SecureRandom random, InstantSource clock) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(clock, "clock");
    this.identity = identity;
    this.random = random;
    this.clock = clock;
    this.handshake = new TlsHandshake(PROTOCOL_ID, identity, random, clock, c -> credentials());
  }

  /** The certificate we present: made on first use, replaced shortly before it expires. */
  Credentials credentials() {
    credentialsLock.lock();
    try {
      Instant now = clock.instant();
      if (credentials == null
          || now.isAfter(
              credentials.chain().getFirst().getNotAfter().toInstant().minus(RENEW_BEFORE_EXPIRY))) {
        credentials = TlsCertificates.create(identity, random, now);
      }
      return credentials;
    } finally {
      credentialsLock.unlock();
    }
  }

  @Override
  public ProtocolId protocolId() {
    return PROTOCOL_ID;
  }

  /** Our peer id. */
  public PeerId localPeer() {
    return handshake.localPeer();
  }

  @Override
  public SecureConnection secureOutbound(
      RawConnection connection, PeerId expectedRemote, List<ProtocolId> muxers) throws IOException {
    return handshake.run(connection, true, expectedRemote, List.copyOf(muxers));
  }

  @Override
  public SecureConnection secureInbound(RawConnection connection, List<ProtocolId> muxers)
      throws IOException {
    return handshake.run(connection, false, null, List.copyOf(muxers));
  }
}
