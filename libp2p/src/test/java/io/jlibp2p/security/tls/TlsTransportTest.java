package io.jlibp2p.security.tls;

import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static io.jlibp2p.security.testing.SecureChannels.failure;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.testing.SecureChannels;
import io.jlibp2p.security.testing.SocketPair;
import io.jlibp2p.security.tls.internal.EmptyIssuerCertificates;
import io.jlibp2p.security.tls.internal.TlsCertificates;
import io.jlibp2p.security.tls.internal.TlsCertificates.Credentials;
import io.jlibp2p.security.tls.internal.TlsHandshake;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.Signature;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.Validity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTransportTest {
  static final ProtocolId YAMUX = ProtocolId.of("/yamux/1.0.0");
  static final ProtocolId MPLEX = ProtocolId.of("/mplex/6.7.0");
  static final SecureRandom RANDOM = new SecureRandom();

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void shutdown() {
    executor.shutdownNow();
  }

  <T> Future<T> async(Callable<T> task) {
    return executor.submit(task);
  }


  @ParameterizedTest
  @EnumSource(KeyType.class)
  void handshakeAndTransferWithEachKeyType(KeyType type) throws Exception {
    PrivateKey dialerKey = PrivateKey.generate(type);
    PrivateKey listenerKey = PrivateKey.generate(type);
    TlsTransport dialer = new TlsTransport(dialerKey);
    TlsTransport listener = new TlsTransport(listenerKey);
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound =
          async(() -> listener.secureInbound(pair.listener, List.of(MPLEX, YAMUX)));
      PeerId listenerId = PeerId.fromPublicKey(listenerKey.publicKey());
      SecureConnection out = dialer.secureOutbound(pair.dialer, listenerId, List.of(YAMUX, MPLEX));
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);

      assertThat(out.remotePeer()).isEqualTo(listenerId);
      assertThat(out.remotePublicKey()).isEqualTo(listenerKey.publicKey());
      assertThat(in.remotePeer()).isEqualTo(PeerId.fromPublicKey(dialerKey.publicKey()));
      assertThat(in.remotePublicKey()).isEqualTo(dialerKey.publicKey());
      assertThat(out.localPeer()).isEqualTo(dialer.localPeer());
      assertThat(out.securityProtocol()).isEqualTo(TlsTransport.PROTOCOL_ID);
      assertThat(in.securityProtocol().value()).isEqualTo("/tls/1.0.0");
      // the client's preference wins
      assertThat(out.earlyMuxer()).contains(YAMUX);
      assertThat(in.earlyMuxer()).contains(YAMUX);

      exchange(out, in, 3 * 16384 + 17);
      exchange(in, out, 1);
      exchange(out, in, 1 << 20);
      exchange(in, out, 100_000);
    }
  }

  void exchange(SecureConnection a, SecureConnection b, int size) throws Exception {
    SecureChannels.exchange(executor, a, b, size);
  }

  @Test
  void earlyMuxerFollowsTheClientWithLibp2pAsTheFallback() throws Exception {
    assertThat(handshake(List.of(YAMUX, MPLEX), List.of(MPLEX, YAMUX))).contains(YAMUX);
    assertThat(handshake(List.of(MPLEX, YAMUX), List.of(YAMUX, MPLEX))).contains(MPLEX);
    assertThat(handshake(List.of(YAMUX), List.of(MPLEX))).isEmpty();
    assertThat(handshake(List.of(), List.of(MPLEX))).isEmpty();
    assertThat(handshake(List.of(YAMUX, MPLEX), List.of())).isEmpty();
  }

  List<ProtocolId> handshake(List<ProtocolId> dialerMuxers, List<ProtocolId> listenerMuxers)
      throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound =
          async(() -> listener.secureInbound(pair.listener, listenerMuxers));
      SecureConnection out = dialer.secureOutbound(pair.dialer, null, dialerMuxers);
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
      assertThat(in.earlyMuxer()).isEqualTo(out.earlyMuxer());
      exchange(out, in, 10);
      return out.earlyMuxer().stream().toList();
    }
  }

  @Test
  void oneCertificateServesEveryConnectionUntilADayBeforeItExpires() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    java.util.concurrent.atomic.AtomicReference<Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(start);
    PrivateKey identity = PrivateKey.generate(KeyType.ED25519);
    TlsTransport transport = new TlsTransport(identity, new SecureRandom(), now::get);
    Credentials first = transport.credentials();
    assertThat(transport.credentials()).isSameAs(first);
    Instant notAfter = first.chain().getFirst().getNotAfter().toInstant();
    now.set(notAfter.minus(TlsTransport.RENEW_BEFORE_EXPIRY));
    assertThat(transport.credentials()).isSameAs(first);
    now.set(notAfter.minus(TlsTransport.RENEW_BEFORE_EXPIRY).plusSeconds(1));
    Credentials renewed = transport.credentials();
    assertThat(renewed).isNotSameAs(first);
    assertThat(renewed.chain().getFirst().getNotAfter().toInstant()).isAfter(notAfter);
    assertThat(renewed.key()).isNotEqualTo(first.key());
  }

  @Test
  void alpnSelection() {
    assertThat(TlsHandshake.alpnOffer(List.of(YAMUX, MPLEX)))
        .containsExactly("/yamux/1.0.0", "/mplex/6.7.0", "libp2p");
    assertThat(TlsHandshake.alpnOffer(List.of())).containsExactly("libp2p");
    assertThat(TlsHandshake.selectAlpn(List.of("/mplex/6.7.0", "/yamux/1.0.0", "libp2p"), List.of(YAMUX, MPLEX)))
        .isEqualTo("/mplex/6.7.0");
    assertThat(TlsHandshake.selectAlpn(List.of("/other/1", "libp2p"), List.of(YAMUX))).isEqualTo("libp2p");
    // the spec: a server that supports none of the client's protocols aborts (null)
    assertThat(TlsHandshake.selectAlpn(List.of("h2", "http/1.1"), List.of(YAMUX))).isNull();
    assertThat(TlsHandshake.selectAlpn(List.of(), List.of(YAMUX))).isEmpty();
  }

  @Test
  void wrongExpectedPeerIsAMismatchAndClosesBothEnds() throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, someoneElse, List.of()))
          .isInstanceOf(PeerIdMismatchException.class)
          .hasMessageContaining(someoneElse.toString())
          .hasMessageContaining(listener.localPeer().toString());
      assertThat(pair.dialer.isClosed()).isTrue();
      // we refuse before we authenticate: the server never learns who we are
      assertThat(failure(inbound)).isInstanceOf(SecurityHandshakeException.class);
      assertThat(pair.listener.isClosed()).isTrue();
    }
  }

  /** A handshake whose presented credentials come from {@code credentials}. */
  static TlsHandshake custom(PrivateKey identity, InstantSource clock, Function<RawConnection, Credentials> credentials) {
    return new TlsHandshake(TlsTransport.PROTOCOL_ID, identity, RANDOM, clock, credentials);
  }

  /** The listener presents {@code bad}; the dialer's refusal must contain {@code message}. */
  void dialerRefuses(Function<PrivateKey, Credentials> bad, String message) throws Exception {
    PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
    TlsHandshake listener = custom(listenerKey, InstantSource.system(), c -> bad.apply(listenerKey));
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.run(pair.listener, false, null, List.of()));
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, null, List.of()))
          .isInstanceOf(SecurityHandshakeException.class)
          .isNotInstanceOf(PeerIdMismatchException.class)
          .hasMessageContaining("peer certificate refused")
          .hasMessageContaining(message);
      assertThat(pair.dialer.isClosed()).isTrue();
      // the listener gets our alert
      assertThat(failure(inbound)).isInstanceOf(SecurityHandshakeException.class).hasMessageContaining("alert");
      assertThat(pair.listener.isClosed()).isTrue();
    }
  }

  static Credentials withExtensions(KeyPair key, List<Extension> extensions) {
    Instant now = Instant.now();
    return new Credentials(
        List.of(TlsCertificates.selfSigned(key, now.minusSeconds(60), now.plusSeconds(3600), extensions, RANDOM)),
        key.getPrivate());
  }

  /**
   * Like js-libp2p's certificates: empty issuer and subject names, the extension marked critical.
   * BouncyCastle's builders refuse empty issuer names, so the structure is put together here.
   */
  static Credentials jsStyle(PrivateKey identity) {
    try {
      KeyPair key = TlsCertificates.generateCertificateKey(RANDOM);
      Instant now = Instant.now();
      AlgorithmIdentifier ecdsaSha256 = new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));
      X500Name empty = new X500Name(new RDN[0]);
      DERSequence tbs =
          new DERSequence(
              new ASN1Encodable[] {
                new DERTaggedObject(true, 0, new ASN1Integer(2)),
                new ASN1Integer(new BigInteger(52, RANDOM)),
                ecdsaSha256,
                empty,
                new Validity(new Time(Date.from(now.minusSeconds(3600))), new Time(Date.from(now.plus(Duration.ofDays(36500))))),
                empty,
                SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()),
                new DERTaggedObject(true, 3, new Extensions(TlsCertificates.signedKeyExtension(identity, key.getPublic().getEncoded(), true)))
              });
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key.getPrivate());
      signer.update(tbs.getEncoded("DER"));
      byte[] der =
          new DERSequence(new ASN1Encodable[] {tbs, ecdsaSha256, new DERBitString(signer.sign())}).getEncoded("DER");
      return new Credentials(List.of(EmptyIssuerCertificates.parse(der)), key.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void certificatesWithEmptyNamesAreAcceptedBothWays() throws Exception {
    PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
    PrivateKey dialerKey = PrivateKey.generate(KeyType.SECP256K1);
    TlsHandshake listener = custom(listenerKey, InstantSource.system(), c -> jsStyle(listenerKey));
    TlsHandshake dialer = custom(dialerKey, InstantSource.system(), c -> jsStyle(dialerKey));
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.run(pair.listener, false, null, List.of(YAMUX)));
      PeerId listenerId = PeerId.fromPublicKey(listenerKey.publicKey());
      SecureConnection out = dialer.run(pair.dialer, true, listenerId, List.of(YAMUX));
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
      assertThat(out.remotePeer()).isEqualTo(listenerId);
      assertThat(in.remotePublicKey()).isEqualTo(dialerKey.publicKey());
      assertThat(out.earlyMuxer()).contains(YAMUX);
      exchange(out, in, 5000);
    }
  }

  @Test
  void extensionSignatureOverAnotherKeyIsRefused() throws Exception {
    dialerRefuses(
        identity -> {
          KeyPair key = TlsCertificates.generateCertificateKey(RANDOM);
          byte[] otherSpki = TlsCertificates.generateCertificateKey(RANDOM).getPublic().getEncoded();
          return withExtensions(key, List.of(TlsCertificates.signedKeyExtension(identity, otherSpki, false)));
        },
        "libp2p extension signature is invalid");
  }

  @Test
  void missingExtensionIsRefused() throws Exception {
    dialerRefuses(
        identity -> withExtensions(TlsCertificates.generateCertificateKey(RANDOM), List.of()),
        "lacks the libp2p Public Key Extension");
  }

  @Test
  void twoCertificatesAreRefused() throws Exception {
    dialerRefuses(
        identity -> {
          Credentials one = TlsCertificates.create(identity, RANDOM, Instant.now());
          Credentials two = TlsCertificates.create(identity, RANDOM, Instant.now());
          return new Credentials(List.of(one.chain().getFirst(), two.chain().getFirst()), one.key());
        },
        "2 certificates (expected: exactly one)");
  }

  @Test
  void expiredCertificateIsRefused() throws Exception {
    Instant longAgo = Instant.now().minus(Duration.ofDays(200 * 365));
    dialerRefuses(identity -> TlsCertificates.create(identity, RANDOM, longAgo), "expired");
  }

  @Test
  void notYetValidCertificateIsRefused() throws Exception {
    Instant later = Instant.now().plus(Duration.ofDays(1));
    dialerRefuses(identity -> TlsCertificates.create(identity, RANDOM, later), "not valid yet");
  }

  @Test
  void serverRefusesAnExpiredClientCertificateAndTheClientSeesTheClose() throws Exception {
    // the server's clock is 101 years ahead: the client's fresh certificate has expired
    InstantSource future = InstantSource.fixed(Instant.now().plus(Duration.ofDays(101 * 365)));
    PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
    // (its own certificate is made now, so that the client accepts it)
    TlsHandshake listener = custom(listenerKey, future, c -> TlsCertificates.create(listenerKey, RANDOM, Instant.now()));
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.run(pair.listener, false, null, List.of()));
      // TLS 1.3: the client finishes before the server has checked its certificate...
      Throwable outcome;
      try {
        SecureConnection out = dialer.secureOutbound(pair.dialer, null, List.of());
        outcome = failure(async(() -> out.in().read()));
      } catch (SecurityHandshakeException e) {
        outcome = e;
      }
      // ...and learns of the refusal from the server's alert
      assertThat(outcome).isInstanceOf(IOException.class).hasMessageContaining("certificate");
      assertThat(failure(inbound))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("peer certificate refused: certificate has expired");
      assertThat(pair.listener.isClosed()).isTrue();
    }
  }

  @Test
  void garbageInsteadOfAClientHelloFailsFast() throws Exception {
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      byte[] garbage = new byte[300];
      new Random(1).nextBytes(garbage);
      garbage[0] = 0x16; // a handshake record...
      garbage[1] = 3;
      garbage[2] = 3;
      pair.dialer.out().write(garbage);
      pair.dialer.out().flush();
      assertThat(failure(inbound)).isInstanceOf(SecurityHandshakeException.class);
      assertThat(pair.listener.isClosed()).isTrue();
    }
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      pair.dialer.out().write("GET / HTTP/1.1\r\n\r\n".getBytes());
      pair.dialer.out().flush();
      assertThat(failure(inbound)).isInstanceOf(SecurityHandshakeException.class);
    }
  }

  @Test
  void garbageInsteadOfAServerHelloFailsFast() throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      byte[] garbage = new byte[500];
      new Random(2).nextBytes(garbage);
      pair.listener.out().write(garbage);
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, null, List.of()))
          .isInstanceOf(SecurityHandshakeException.class);
      assertThat(pair.dialer.isClosed()).isTrue();
    }
  }

  @Test
  void truncatedOrSilentPeersEndWhenTheCallerClosesOrTheStreamEnds() throws Exception {
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    // a record header promising more than ever comes, then the end of the stream
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      pair.dialer.out().write(new byte[] {0x16, 3, 1, 0x10, 0, 1, 0, 0});
      pair.dialer.out().flush();
      pair.dialer.socketShutdownOutput();
      assertThat(failure(inbound))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("ended inside a record");
    }
    // a silent peer: the caller's timeout closes the connection, and the handshake ends
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      pair.dialer.out().write(new byte[] {0x16, 3, 1});
      pair.dialer.out().flush();
      Thread.onSpinWait();
      pair.listener.close(); // what HostImpl's handshake timeout does
      assertThat(failure(inbound)).isInstanceOf(SecurityHandshakeException.class);
    }
    // the peer hangs up before saying anything
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      pair.dialer.close();
      assertThat(failure(inbound))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("closed during the TLS handshake");
    }
  }

  SecureConnection[] secure(TlsTransport dialer, TlsTransport listener, SocketPair pair) throws Exception {
    Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
    SecureConnection out = dialer.secureOutbound(pair.dialer, null, List.of());
    return new SecureConnection[] {out, inbound.get(10, TimeUnit.SECONDS)};
  }

  @Test
  void forgedOrTruncatedRecordsAreViolations() throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] s = secure(dialer, listener, pair);
      exchange(s[0], s[1], 100);
      // an application-data record with a bogus tag, straight on the socket
      byte[] forged = new byte[5 + 40];
      forged[0] = 0x17;
      forged[1] = 3;
      forged[2] = 3;
      forged[4] = 40;
      pair.dialer.out().write(forged);
      pair.dialer.out().flush();
      assertThatThrownBy(() -> s[1].in().read())
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageStartingWith("TLS");
      assertThat(pair.listener.isClosed()).isTrue();
      assertThatThrownBy(() -> s[1].in().read()).isInstanceOf(ProtocolViolationException.class);
    }
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] s = secure(dialer, listener, pair);
      pair.dialer.out().write(new byte[] {0x17, 3, 3, 0, 100, 1, 2, 3});
      pair.dialer.out().flush();
      pair.dialer.socketShutdownOutput();
      assertThatThrownBy(() -> s[1].in().read())
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("ended inside a record");
    }
  }

  @Test
  void availableCountsAWholeReceivedRecordButNotAShortOne() throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    int full = 16384;
    int overhead = 5 + 17; // record header, tag and inner content type
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] s = secure(dialer, listener, pair);
      InputStream in = s[1].in();
      assertThat(in.available()).isZero();
      // three full records and a short one, all received before anything is read
      s[0].out().write(new byte[3 * full + 10]);
      s[0].out().flush();
      int wire = 3 * (full + overhead) + 10 + overhead;
      // (the client's last handshake flight may still be in front of them)
      assertThat(eventually(Duration.ofSeconds(10), () -> rawAvailable(pair) >= wire)).isTrue();
      // no record header read yet, but more than two largest records are there
      assertThat(in.available()).isEqualTo(1);
      assertThat(in.read(new byte[100])).isEqualTo(100);
      int first = in.available(); // the rest of the first record, decrypted
      assertThat(first).isPositive();
      assertThat(in.readNBytes(first)).hasSize(first);
      int got = 100 + first;
      // every later record but the short last one was received whole, so it counts (as an upper
      // estimate: padding is not known before decryption)
      while (3 * full - got > 0) {
        int counted = in.available();
        int n = in.read(new byte[full]);
        assertThat(n).isPositive().isLessThanOrEqualTo(counted);
        got += n;
      }
      assertThat(got).isEqualTo(3 * full);
      // a short record may carry no data, so it does not count, yet reads
      assertThat(in.available()).isZero();
      assertThat(in.read(new byte[full])).isEqualTo(10);
      assertThat(in.available()).isZero();
    }
  }

  private static int rawAvailable(SocketPair pair) {
    try {
      return pair.listener.in().available();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void closingTheOutputIsEndOfStreamAndTheOtherDirectionStaysOpen() throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] s = secure(dialer, listener, pair);
      s[1].out().write(new byte[] {1, 2, 3});
      s[1].out().close();
      assertThat(s[0].in().readAllBytes()).containsExactly(1, 2, 3);
      assertThat(s[0].in().read()).isEqualTo(-1);
      assertThatThrownBy(() -> s[1].out().write(1)).isInstanceOf(IOException.class);
    }
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] s = secure(dialer, listener, pair);
      // the end of the raw stream at a record boundary is the end of the stream too
      s[0].out().write(new byte[] {9});
      s[0].out().flush();
      pair.dialer.socketShutdownOutput();
      assertThat(s[1].in().readAllBytes()).containsExactly(9);
    }
  }

  @Test
  void manyConcurrentHandshakesOnOneTransport() throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.SECP256K1));
    List<Future<PeerId>> results = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      results.add(
          async(
              () -> {
                try (SocketPair pair = new SocketPair()) {
                  Future<SecureConnection> in = async(() -> listener.secureInbound(pair.listener, List.of(YAMUX)));
                  SecureConnection out = dialer.secureOutbound(pair.dialer, listener.localPeer(), List.of(YAMUX));
                  exchange(out, in.get(10, TimeUnit.SECONDS), 1000);
                  return in.get().remotePeer();
                }
              }));
    }
    for (Future<PeerId> r : results) {
      assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(dialer.localPeer());
    }
  }
}
