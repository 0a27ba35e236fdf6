package io.jlibp2p.security.plaintext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Varint;
import io.jlibp2p.security.plaintext.internal.pb.PlaintextProtos.Exchange;
import io.jlibp2p.security.testing.SocketPair;
import io.jlibp2p.spi.SecureConnection;
import java.io.EOFException;
import java.io.OutputStream;
import java.util.List;
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
class PlaintextTransportTest {
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void shutdown() {
    executor.shutdownNow();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void exchangesIdentities(KeyType type) throws Exception {
    PrivateKey dialerKey = PrivateKey.generate(type);
    PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
    PeerId listenerId = PeerId.fromPublicKey(listenerKey.publicKey());
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound =
          executor.submit(() -> new PlaintextTransport(listenerKey).secureInbound(pair.listener, List.of()));
      SecureConnection out =
          new PlaintextTransport(dialerKey).secureOutbound(pair.dialer, listenerId, List.of());
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
      assertThat(out.remotePeer()).isEqualTo(listenerId);
      assertThat(in.remotePeer()).isEqualTo(PeerId.fromPublicKey(dialerKey.publicKey()));
      assertThat(in.remotePublicKey()).isEqualTo(dialerKey.publicKey());
      assertThat(out.earlyMuxer()).isEmpty();
      assertThat(out.securityProtocol()).isEqualTo(PlaintextTransport.PROTOCOL_ID);
      out.out().write(new byte[] {4, 5});
      out.out().flush();
      assertThat(in.in().readNBytes(2)).containsExactly(4, 5);
    }
  }

  @Test
  void wrongExpectedPeer() throws Exception {
    PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
    PeerId other = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    try (SocketPair pair = new SocketPair()) {
      executor.submit(() -> new PlaintextTransport(listenerKey).secureInbound(pair.listener, List.of()));
      assertThatThrownBy(
              () ->
                  new PlaintextTransport(PrivateKey.generate(KeyType.ED25519))
                      .secureOutbound(pair.dialer, other, List.of()))
          .isInstanceOf(PeerIdMismatchException.class);
      assertThat(pair.dialer.isClosed()).isTrue();
    }
  }

  @Test
  void idThatDoesNotMatchTheKeyIsRejected() throws Exception {
    PrivateKey liar = PrivateKey.generate(KeyType.ED25519);
    PeerId claimed = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    byte[] exchange =
        Exchange.newBuilder()
            .setId(ByteString.copyFrom(claimed.toBytes()))
            .setPubkey(ByteString.copyFrom(liar.publicKey().marshal()))
            .build()
            .toByteArray();
    try (SocketPair pair = new SocketPair()) {
      OutputStream raw = pair.dialer.out();
      raw.write(Varint.encode(exchange.length));
      raw.write(exchange);
      raw.flush();
      Throwable t = inboundFailure(pair);
      assertThat(t).isInstanceOf(SecurityHandshakeException.class).hasMessageContaining("does not match");
      assertThat(pair.listener.isClosed()).isTrue();
    }
  }

  @Test
  void oversizedAndMalformedExchangesAreRejected() throws Exception {
    try (SocketPair pair = new SocketPair()) {
      pair.dialer.out().write(Varint.encode(PlaintextTransport.MAX_EXCHANGE_LENGTH + 1));
      Throwable t = inboundFailure(pair);
      assertThat(t).isInstanceOf(ProtocolViolationException.class);
    }
    try (SocketPair pair = new SocketPair()) {
      pair.dialer.out().write(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      Throwable t = inboundFailure(pair);
      assertThat(t).isInstanceOf(SecurityHandshakeException.class).hasMessageContaining("malformed");
    }
    try (SocketPair pair = new SocketPair()) {
      pair.dialer.out().write(new byte[] {10, 1, 2});
      pair.dialer.close();
      Throwable t = inboundFailure(pair);
      assertThat(t).isInstanceOf(SecurityHandshakeException.class).hasMessageContaining("closed");
    }
  }

  @Test
  void exchangeCutShortInsideItsLengthPrefixIsAHandshakeFailure() throws Exception {
    try (SocketPair pair = new SocketPair()) {
      pair.dialer.out().write(new byte[] {(byte) 0x85, (byte) 0x81}); // a varint that goes on
      pair.dialer.socketShutdownOutput();
      Throwable t = inboundFailure(pair);
      assertThat(t)
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("closed inside")
          .hasCauseInstanceOf(EOFException.class);
      assertThat(pair.listener.isClosed()).isTrue();
    }
  }

  Throwable inboundFailure(SocketPair pair) throws Exception {
    return failure(
        executor.submit(
            () ->
                new PlaintextTransport(PrivateKey.generate(KeyType.ED25519))
                    .secureInbound(pair.listener, List.of())));
  }

  static Throwable failure(Future<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
