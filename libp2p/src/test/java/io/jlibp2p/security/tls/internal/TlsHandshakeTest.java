package io.jlibp2p.security.tls.internal;

import static io.jlibp2p.security.tls.internal.TlsHandshake.SECP256R1;
import static io.jlibp2p.security.tls.internal.TlsHandshake.X25519_GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.security.testing.SocketPair;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The TLS 1.3 handshake's key exchange choices and key updates between two jlibp2p peers. */
class TlsHandshakeTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ProtocolId ID = ProtocolId.of("/tls/1.0.0");
  private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool();

  @AfterAll
  static void shutdown() {
    EXECUTOR.shutdownNow();
  }

  private static TlsHandshake handshake(int[] groups, long keyUpdateRecords) {
    PrivateKey identity = PrivateKey.generate(KeyType.ED25519);
    return new TlsHandshake(
        ID, identity, RANDOM, InstantSource.system(),
        c -> TlsCertificates.create(identity, RANDOM, Instant.now()), groups, keyUpdateRecords);
  }

  /** The client's raw bytes, as written: counts its ClientHello records. */
  private static final class Recording implements RawConnection {
    private final RawConnection raw;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final OutputStream out;

    Recording(RawConnection raw) {
      this.raw = raw;
      this.out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          synchronized (written) {
            written.write(b, off, len);
          }
          raw.out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          raw.out().flush();
        }

        @Override
        public void close() throws IOException {
          raw.out().close();
        }
      };
    }

    /** The type of the last record written. */
    int lastRecordType() {
      byte[] b;
      synchronized (written) {
        b = written.toByteArray();
      }
      int type = -1;
      for (int p = 0; p + 5 <= b.length; p += 5 + ((b[p + 3] & 0xff) << 8 | b[p + 4] & 0xff)) {
        type = b[p];
      }
      return type;
    }

    /** Plaintext handshake records that start a ClientHello. */
    int clientHellos() {
      byte[] b;
      synchronized (written) {
        b = written.toByteArray();
      }
      int n = 0;
      for (int p = 0; p + 5 <= b.length; p += 5 + ((b[p + 3] & 0xff) << 8 | b[p + 4] & 0xff)) {
        if (b[p] == 22 && p + 5 < b.length && b[p + 5] == 1) {
          n++;
        }
      }
      return n;
    }

    @Override
    public InputStream in() {
      return raw.in();
    }

    @Override
    public OutputStream out() {
      return out;
    }

    @Override
    public Multiaddr localAddress() {
      return raw.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
      return raw.remoteAddress();
    }

    @Override
    public boolean isInitiator() {
      return raw.isInitiator();
    }

    @Override
    public void close() {
      raw.close();
    }
  }

  private record Pair(SecureConnection client, SecureConnection server, int clientHellos) {}

  private static Pair connect(TlsHandshake client, TlsHandshake server, SocketPair pair) throws Exception {
    Recording recording = new Recording(pair.dialer);
    Future<SecureConnection> inbound = EXECUTOR.submit(() -> server.run(pair.listener, false, null, List.of()));
    SecureConnection out = client.run(recording, true, server.localPeer(), List.of());
    return new Pair(out, inbound.get(10, TimeUnit.SECONDS), recording.clientHellos());
  }

  private static void exchange(Pair p, int bytes) throws Exception {
    byte[] data = new byte[bytes];
    new Random(7).nextBytes(data);
    Future<byte[]> received = EXECUTOR.submit(() -> p.server().in().readNBytes(bytes));
    p.client().out().write(data);
    p.client().out().flush();
    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(data);
    Future<byte[]> back = EXECUTOR.submit(() -> p.client().in().readNBytes(bytes));
    p.server().out().write(data);
    p.server().out().flush();
    assertThat(back.get(10, TimeUnit.SECONDS)).isEqualTo(data);
  }

  @Test
  void aServerWithoutTheClientsShareAsksForAnotherWithAHelloRetryRequest() throws Exception {
    // the client sends a P-256 share; the server only does X25519
    TlsHandshake client = handshake(new int[] {SECP256R1, X25519_GROUP}, TlsRecordLayer.KEY_UPDATE_RECORDS);
    TlsHandshake server = handshake(new int[] {X25519_GROUP}, TlsRecordLayer.KEY_UPDATE_RECORDS);
    try (SocketPair pair = new SocketPair()) {
      Pair p = connect(client, server, pair);
      assertThat(p.clientHellos()).isEqualTo(2);
      assertThat(p.client().remotePeer()).isEqualTo(server.localPeer());
      assertThat(p.server().remotePeer()).isEqualTo(client.localPeer());
      exchange(p, 100_000);
    }
  }

  @Test
  void aShareTheServerSupportsNeedsNoRetry() throws Exception {
    for (int[] groups : new int[][] {{X25519_GROUP}, {SECP256R1}}) {
      try (SocketPair pair = new SocketPair()) {
        Pair p = connect(handshake(groups, 1 << 20), handshake(TlsHandshake.GROUPS, 1 << 20), pair);
        assertThat(p.clientHellos()).isEqualTo(1);
        exchange(p, 50_000);
      }
    }
  }

  @Test
  void aClientThatRefusesTheServerTellsItUnderItsHandshakeKey() throws Exception {
    TlsHandshake client = handshake(TlsHandshake.GROUPS, 1 << 20);
    TlsHandshake server = handshake(TlsHandshake.GROUPS, 1 << 20);
    TlsHandshake other = handshake(TlsHandshake.GROUPS, 1 << 20);
    try (SocketPair pair = new SocketPair()) {
      Recording recording = new Recording(pair.dialer);
      Future<SecureConnection> inbound = EXECUTOR.submit(() -> server.run(pair.listener, false, null, List.of()));
      assertThatThrownBy(() -> client.run(recording, true, other.localPeer(), List.of()))
          .isInstanceOf(io.jlibp2p.core.PeerIdMismatchException.class);
      // the alert is a protected record (outer type application_data), as a server with the
      // client's handshake key installed expects, not a plaintext alert
      assertThat(recording.lastRecordType()).isEqualTo(23);
      assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("bad_certificate");
    }
  }

  @Test
  void noGroupInCommonFailsOnBothSides() throws Exception {
    TlsHandshake client = handshake(new int[] {SECP256R1}, 1 << 20);
    TlsHandshake server = handshake(new int[] {X25519_GROUP}, 1 << 20);
    try (SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound = EXECUTOR.submit(() -> server.run(pair.listener, false, null, List.of()));
      assertThatThrownBy(() -> client.run(pair.dialer, true, null, List.of()))
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("handshake_failure");
      assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SecurityHandshakeException.class)
          .hasMessageContaining("no key exchange group in common");
    }
  }

  @Test
  void bothSidesMoveToNewKeysAfterTheirRecordLimit() throws Exception {
    // a new key every 5 records: 1 MiB each way is 64 records, so about a dozen key updates each way
    try (SocketPair pair = new SocketPair()) {
      Pair p = connect(handshake(TlsHandshake.GROUPS, 5), handshake(TlsHandshake.GROUPS, 5), pair);
      exchange(p, 1 << 20);
      exchange(p, 3);
    }
  }

  @Test
  void everySuiteSealsAndOpensRecords() throws Exception {
    // two jlibp2p peers agree on the first suite; each suite's record protection on its own
    for (TlsSuite suite : TlsSuite.values()) {
      TlsRecordCipher sealer = new TlsRecordCipher(suite, new byte[suite.hashLength]);
      TlsRecordCipher opener = new TlsRecordCipher(suite, new byte[suite.hashLength]);
      byte[] data = new byte[20_000];
      new Random(suite.id).nextBytes(data);
      byte[] record = new byte[TlsRecordCipher.HEADER_LENGTH + data.length + 17];
      int n = sealer.seal((byte) 23, data, 0, data.length, record, 0);
      assertThat(n).isEqualTo(record.length);
      byte[] plain = new byte[data.length + 1];
      assertThat(opener.open(record, 0, n - 5, plain, 0)).isEqualTo(data.length + 1);
      assertThat(plain[data.length]).isEqualTo((byte) 23);
      assertThat(java.util.Arrays.copyOf(plain, data.length)).isEqualTo(data);
    }
  }
}
