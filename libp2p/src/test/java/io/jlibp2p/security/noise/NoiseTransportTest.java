package io.jlibp2p.security.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static io.jlibp2p.security.testing.SecureChannels.failure;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.noise.internal.NoiseFrames;
import io.jlibp2p.security.noise.internal.X25519Keys;
import io.jlibp2p.security.noise.internal.XXHandshakeState;
import io.jlibp2p.security.noise.internal.pb.NoiseProtos.NoiseExtensions;
import io.jlibp2p.security.noise.internal.pb.NoiseProtos.NoiseHandshakePayload;
import io.jlibp2p.security.testing.SecureChannels;
import io.jlibp2p.security.testing.SocketPair;
import io.jlibp2p.spi.SecureConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NoiseTransportTest {
  static final ProtocolId YAMUX = ProtocolId.of("/yamux/1.0.0");
  static final ProtocolId MPLEX = ProtocolId.of("/mplex/6.7.0");

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
    PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
    NoiseTransport dialer = new NoiseTransport(dialerKey);
    NoiseTransport listener = new NoiseTransport(listenerKey);
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound =
          async(() -> listener.secureInbound(pair.listener, List.of(MPLEX, YAMUX)));
      SecureConnection out =
          dialer.secureOutbound(
              pair.dialer, PeerId.fromPublicKey(listenerKey.publicKey()), List.of(YAMUX, MPLEX));
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);

      assertThat(out.remotePeer()).isEqualTo(PeerId.fromPublicKey(listenerKey.publicKey()));
      assertThat(in.remotePeer()).isEqualTo(PeerId.fromPublicKey(dialerKey.publicKey()));
      assertThat(in.remotePublicKey()).isEqualTo(dialerKey.publicKey());
      assertThat(out.localPeer()).isEqualTo(dialer.localPeer());
      assertThat(out.securityProtocol()).isEqualTo(NoiseTransport.PROTOCOL_ID);
      // the initiator's preference wins
      assertThat(out.earlyMuxer()).contains(YAMUX);
      assertThat(in.earlyMuxer()).contains(YAMUX);

      exchange(out, in, 3 * NoiseTransport.MAX_PLAINTEXT_LENGTH + 17);
      exchange(in, out, 1);
      exchange(out, in, NoiseTransport.MAX_PLAINTEXT_LENGTH);
    }
  }

  void exchange(SecureConnection a, SecureConnection b, int size) throws Exception {
    SecureChannels.exchange(executor, a, b, size);
  }

  @Test
  void noEarlyMuxerWithoutOverlapOrWhenOneSideOffersNone() throws Exception {
    assertThat(handshake(List.of(YAMUX), List.of(MPLEX))).isEmpty();
    assertThat(handshake(List.of(), List.of(MPLEX))).isEmpty();
    assertThat(handshake(List.of(YAMUX, MPLEX), List.of())).isEmpty();
    assertThat(handshake(List.of(MPLEX, YAMUX), List.of(YAMUX, MPLEX))).contains(MPLEX);
  }

  List<ProtocolId> handshake(List<ProtocolId> dialerMuxers, List<ProtocolId> listenerMuxers)
      throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound =
          async(() -> listener.secureInbound(pair.listener, listenerMuxers));
      SecureConnection out = dialer.secureOutbound(pair.dialer, null, dialerMuxers);
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
      assertThat(in.earlyMuxer()).isEqualTo(out.earlyMuxer());
      return out.earlyMuxer().stream().toList();
    }
  }

  @Test
  void wrongExpectedPeerIsAMismatchAndClosesBothEnds() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, someoneElse, List.of()))
          .isInstanceOf(PeerIdMismatchException.class)
          .hasMessageContaining(someoneElse.toString());
      assertThat(pair.dialer.isClosed()).isTrue();
      assertThat(failure(inbound))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("message 3");
      assertThat(pair.listener.isClosed()).isTrue();
    }
  }

  /**
   * A responder made of the handshake internals: signs {@code signedStatic} (or its real static key
   * when null) and offers {@code muxers}; returns the initiator's message 3 payload, or null when
   * the initiator hung up.
   */
  Future<NoiseHandshakePayload> manualResponder(
      SocketPair pair, PrivateKey identity, byte[] signedStatic, List<ProtocolId> muxers) {
    return async(
        () -> {
          byte[] staticKey = X25519Keys.generatePrivate(new SecureRandom());
          XXHandshakeState state =
              new XXHandshakeState(false, new byte[0], staticKey, null, new SecureRandom());
          byte[] m1 = NoiseFrames.readHandshakeFrame(pair.listener.in(), 1);
          state.readMessage(m1, 0, m1.length);
          byte[] sigOver = signedStatic != null ? signedStatic : X25519Keys.publicKey(staticKey);
          NoiseHandshakePayload.Builder payload =
              NoiseHandshakePayload.newBuilder()
                  .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
                  .setIdentitySig(ByteString.copyFrom(identity.sign(signed(sigOver))));
          NoiseExtensions.Builder extensions = NoiseExtensions.newBuilder();
          muxers.forEach(m -> extensions.addStreamMuxers(m.value()));
          payload.setExtensions(extensions);
          NoiseFrames.writeHandshakeFrame(
              pair.listener.out(), state.writeMessage(payload.build().toByteArray()));
          try {
            byte[] m3 = NoiseFrames.readHandshakeFrame(pair.listener.in(), 3);
            return NoiseHandshakePayload.parseFrom(state.readMessage(m3, 0, m3.length));
          } catch (SecurityHandshakeException closed) {
            return null;
          }
        });
  }

  @Test
  void badSignatureIsRejected() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    byte[] otherKey = X25519Keys.publicKey(X25519Keys.generatePrivate(new SecureRandom()));
    try (SocketPair pair = new SocketPair()) {
      Future<NoiseHandshakePayload> evil =
          manualResponder(pair, PrivateKey.generate(KeyType.ED25519), otherKey, List.of());
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, null, List.of()))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("signature");
      assertThat(pair.dialer.isClosed()).isTrue();
      assertThat(evil.get(10, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void initiatorSendsOnlyTheChosenMuxer() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      Future<NoiseHandshakePayload> responder =
          manualResponder(pair, PrivateKey.generate(KeyType.ED25519), null, List.of(MPLEX, YAMUX));
      SecureConnection out = dialer.secureOutbound(pair.dialer, null, List.of(YAMUX, MPLEX));
      assertThat(out.earlyMuxer()).contains(YAMUX);
      assertThat(responder.get(10, TimeUnit.SECONDS).getExtensions().getStreamMuxersList())
          .containsExactly(YAMUX.value());
    }
  }

  static byte[] signed(byte[] staticPublic) {
    byte[] prefix = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    byte[] data = Arrays.copyOf(prefix, prefix.length + staticPublic.length);
    System.arraycopy(staticPublic, 0, data, prefix.length, staticPublic.length);
    return data;
  }

  @Test
  void garbageHandshakeIsRejectedByTheResponder() throws Exception {
    NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
      byte[] garbage = new byte[300];
      new Random(1).nextBytes(garbage);
      OutputStream raw = pair.dialer.out();
      raw.write(frame(Arrays.copyOf(garbage, 100)));
      raw.write(frame(garbage));
      raw.flush();
      assertThat(failure(inbound))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("message 3 failed authentication");
      assertThat(pair.listener.isClosed()).isTrue();
    }
  }

  @Test
  void garbageAnswerIsRejectedByTheInitiator() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      byte[] garbage = new byte[200];
      new Random(2).nextBytes(garbage);
      pair.listener.out().write(frame(garbage));
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, null, List.of()))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("message 2");
      byte[] tooShort = new byte[40]; // an ephemeral key, then not enough for the static key
      Arrays.fill(tooShort, (byte) 5);
      assertAnswerRejected(dialer, frame(tooShort), "too short");
      // an all-zero ephemeral key is of low order
      assertAnswerRejected(dialer, frame(new byte[100]), "low order");
    }
  }

  void assertAnswerRejected(NoiseTransport dialer, byte[] answer, String message) throws Exception {
    try (SocketPair pair = new SocketPair()) {
      pair.listener.out().write(answer);
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, null, List.of()))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining(message);
      assertThat(pair.dialer.isClosed()).isTrue();
    }
  }

  @Test
  void truncatedAndOversizedHandshakeFramesFailCleanly() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    for (int claimed : new int[] {1000, 0xFFFF}) {
      try (SocketPair pair = new SocketPair()) {
        OutputStream raw = pair.listener.out();
        raw.write(new byte[] {(byte) (claimed >>> 8), (byte) claimed, 1, 2, 3});
        raw.flush();
        pair.listener.close();
        assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, null, List.of()))
            .isInstanceOf(SecurityHandshakeException.class)
            .hasMessageContaining("closed inside message 2 after 3 of " + claimed + " bytes");
        assertThat(pair.dialer.isClosed()).isTrue();
      }
    }
    try (SocketPair pair = new SocketPair()) {
      pair.listener.out().write(1); // half a length prefix
      pair.listener.close();
      assertThatThrownBy(() -> dialer.secureOutbound(pair.dialer, null, List.of()))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("closed while waiting for message 2");
    }
  }

  @Test
  void tamperedOrTruncatedTransportFramesAreViolations() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] secured = secure(dialer, listener, pair);
      SecureConnection out = secured[0];
      SecureConnection in = secured[1];
      // a forged frame straight on the socket
      pair.dialer.out().write(frame(new byte[40]));
      pair.dialer.out().flush();
      assertThatThrownBy(() -> in.in().read())
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("authentication");
      assertThat(pair.listener.isClosed()).isTrue();
      assertThatThrownBy(() -> in.in().read()).isInstanceOf(ProtocolViolationException.class);
      out.close();
    }
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] secured = secure(dialer, listener, pair);
      SecureConnection out = secured[0];
      SecureConnection in = secured[1];
      pair.dialer.out().write(new byte[] {0, 100, 1, 2, 3});
      pair.dialer.out().flush();
      pair.dialer.socketShutdownOutput();
      assertThatThrownBy(() -> in.in().read())
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("ended inside a frame");
      out.close();
    }
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] secured = secure(dialer, listener, pair);
      SecureConnection out = secured[0];
      SecureConnection in = secured[1];
      pair.dialer.out().write(new byte[] {0, 15});
      pair.dialer.out().write(new byte[15]);
      pair.dialer.out().flush();
      assertThatThrownBy(() -> in.in().read())
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("shorter than the 16-byte tag");
      out.close();
    }
  }

  @Test
  void cleanCloseIsEndOfStream() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    try (SocketPair pair = new SocketPair()) {
      SecureConnection[] secured = secure(dialer, listener, pair);
      SecureConnection out = secured[0];
      SecureConnection in = secured[1];
      out.out().write(new byte[] {1, 2, 3});
      out.out().flush();
      out.out().flush(); // nothing buffered: no empty frame
      out.out().close();
      InputStream is = in.in();
      assertThat(is.readAllBytes()).containsExactly(1, 2, 3);
      assertThat(is.read()).isEqualTo(-1);
    }
  }

  /** Runs a handshake over the pair: the dialer's connection, then the listener's. */
  SecureConnection[] secure(NoiseTransport dialer, NoiseTransport listener, SocketPair pair)
      throws Exception {
    Future<SecureConnection> inbound = async(() -> listener.secureInbound(pair.listener, List.of()));
    SecureConnection out = dialer.secureOutbound(pair.dialer, null, List.of());
    return new SecureConnection[] {out, inbound.get(10, TimeUnit.SECONDS)};
  }

  static byte[] frame(byte[] body) {
    byte[] f = new byte[body.length + 2];
    f[0] = (byte) (body.length >>> 8);
    f[1] = (byte) body.length;
    System.arraycopy(body, 0, f, 2, body.length);
    return f;
  }
}
