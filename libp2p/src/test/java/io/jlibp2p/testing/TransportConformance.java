package io.jlibp2p.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.HostEvent;
import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.Stream;
import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.host.Resources;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.echo.Echo;
import io.jlibp2p.protocol.ping.Ping;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every transport must do under a host, whatever it is (TCP, WebSocket, QUIC, memory): a
 * subclass says how to build a host on it and where to listen. Each test builds its own hosts.
 */
@Timeout(120)
public abstract class TransportConformance {
  private static final ProtocolId HOLD = ProtocolId.of("/conformance/hold/1.0.0");
  private static final ProtocolId RESET = ProtocolId.of("/conformance/reset/1.0.0");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<Host> hosts = new ArrayList<>();
  private final BlockingQueue<String> holdEvents = new LinkedBlockingQueue<>();

  /** A builder for a host on this transport, with nothing to listen on yet. */
  protected abstract Libp2p.Builder builder();

  /** Where a server listens, e.g. {@code /ip4/127.0.0.1/tcp/0}. */
  protected abstract String listenAddress();

  /** An address of this transport where nothing listens. */
  protected abstract Multiaddr deadAddress() throws IOException;

  /** A TCP port on loopback that was free a moment ago. */
  protected static int freeTcpPort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A UDP port on loopback that was free a moment ago. */
  protected static int freeUdpPort() throws IOException {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }

  @AfterEach
  void closeHosts() {
    hosts.forEach(Host::close);
  }

  protected final Host server() throws IOException {
    Host h =
        builder()
            .listen(listenAddress())
            .handler(Echo.ID, new Echo())
            .handler(HOLD, s -> {
              holdEvents.add("started");
              try {
                s.in().readAllBytes();
                holdEvents.add("eof");
              } catch (StreamResetException e) {
                holdEvents.add("reset");
              }
            })
            .handler(RESET, s -> {
              s.in().read(new byte[16]);
              s.reset();
            })
            .build();
    hosts.add(h);
    return h;
  }

  protected final Host client() throws IOException {
    Host h = builder().noListen().build();
    hosts.add(h);
    return h;
  }

  private static PeerInfo info(Host h) {
    return new PeerInfo(h.peerId(), h.listenAddresses());
  }

  @Test
  void listenDialIdentifyAndPingBothWays() throws Exception {
    Host server = server();
    Host client = client();
    assertThat(server.listenAddresses()).isNotEmpty();
    Connection c = client.connect(info(server));
    assertThat(c.remotePeer()).isEqualTo(server.peerId());
    assertThat(c.direction()).isEqualTo(Connection.Direction.OUTBOUND);
    Awaitility.await().atMost(WAIT).until(
        () -> client.peerStore().protocols(server.peerId()).contains(Echo.ID)
            && server.peerStore().protocols(client.peerId()).contains(Ping.ID));
    assertThat(Ping.ping(client, server.peerId(), 3)).hasSize(3);
    assertThat(Ping.ping(server, client.peerId(), 1)).hasSize(1);
    assertThat(server.connections(client.peerId())).singleElement()
        .satisfies(back -> assertThat(back.direction()).isEqualTo(Connection.Direction.INBOUND));
  }

  @Test
  void fourMebibyteEchoComesBackIntact() throws Exception {
    Host server = server();
    Host client = client();
    client.connect(info(server));
    assertThat(echo(client, server.peerId(), 4 << 20, 1)).isTrue();
  }

  @Test
  void fiftyConcurrentStreams() throws Exception {
    Host server = server();
    Host client = client();
    client.connect(info(server));
    assertThat(echo(client, server.peerId(), 64 * 1024, 50)).isTrue();
    assertThat(client.connections(server.peerId())).hasSize(1);
  }

  @Test
  void resetsAreSeenByTheOtherSide() throws Exception {
    Host server = server();
    Host client = client();
    client.connect(info(server));
    // the server resets: our read fails
    try (Stream s = client.newStream(server.peerId(), RESET)) {
      s.write(new byte[] {1, 2, 3});
      assertThatThrownBy(() -> s.in().readAllBytes()).isInstanceOf(StreamResetException.class);
    }
    // we reset: the server's read fails
    Stream held = client.newStream(server.peerId(), HOLD);
    held.write(new byte[] {4, 5, 6});
    assertThat(holdEvents.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("started");
    held.reset();
    assertThat(holdEvents.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("reset");
    // and a clean end is an end of stream, not a reset
    try (Stream s = client.newStream(server.peerId(), HOLD)) {
      s.write(new byte[] {7});
      s.closeWrite();
      assertThat(holdEvents.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("started");
      assertThat(holdEvents.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("eof");
    }
  }

  @Test
  void closeIsSeenByBothSides() throws Exception {
    Host server = server();
    Host client = client();
    BlockingQueue<HostEvent> serverEvents = new LinkedBlockingQueue<>();
    BlockingQueue<HostEvent> clientEvents = new LinkedBlockingQueue<>();
    server.subscribe(serverEvents::add);
    client.subscribe(clientEvents::add);
    // the dialer closes
    client.connect(info(server)).close();
    awaitDisconnect(serverEvents, client.peerId());
    Awaitility.await().atMost(WAIT).until(() -> server.connections(client.peerId()).isEmpty());
    // the listener closes
    client.connect(info(server));
    Awaitility.await().atMost(WAIT).until(() -> !server.connections(client.peerId()).isEmpty());
    clientEvents.clear();
    server.connections(client.peerId()).forEach(Connection::close);
    awaitDisconnect(clientEvents, server.peerId());
    Awaitility.await().atMost(WAIT).until(() -> client.connections(server.peerId()).isEmpty());
  }

  @Test
  void dialingWhereNothingListensFailsClearly() throws Exception {
    Host client = client();
    PeerId nobody = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.connect(new PeerInfo(nobody, List.of(deadAddress()))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not connect");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
    assertThat(client.connections()).isEmpty();
  }

  @Test
  void dialingTheWrongPeerIdFails() throws Exception {
    Host server = server();
    Host client = client();
    PeerId other = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    assertThatThrownBy(() -> client.connect(new PeerInfo(other, server.listenAddresses())))
        .isInstanceOf(PeerIdMismatchException.class);
    assertThat(client.connections()).isEmpty();
  }

  @Test
  void hundredConnectPingCloseCyclesLeaveNothingBehind() throws Exception {
    Host server = server();
    Host client = client();
    for (int i = 0; i < 10; i++) { // warm up: the JDK starts some threads once
      client.connect(info(server)).close();
    }
    awaitNoConnections(client, server);
    Resources before = Resources.now();
    List<String> threadsBefore = Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName).filter(n -> n.startsWith("jlibp2p")).sorted().toList();
    for (int i = 0; i < 100; i++) {
      Connection c = client.connect(info(server));
      Ping.ping(client, server.peerId(), 1);
      c.close();
    }
    awaitNoConnections(client, server);
    Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      Resources after = Resources.now();
      assertThat(after.fileDescriptors()).as("open file descriptors").isLessThanOrEqualTo(before.fileDescriptors());
      assertThat(after.jlibp2pPlatformThreads())
          .as(() -> "platform threads: " + Thread.getAllStackTraces().keySet().stream()
              .map(Thread::getName).filter(n -> n.startsWith("jlibp2p")).sorted().toList()
              + ", before: " + threadsBefore)
          .isLessThanOrEqualTo(before.jlibp2pPlatformThreads());
      assertThat(after.virtualThreads()).as("virtual threads").isLessThanOrEqualTo(before.virtualThreads());
    });
  }

  private static void awaitNoConnections(Host a, Host b) {
    Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
        .until(() -> a.connections().isEmpty() && b.connections().isEmpty());
  }

  private static void awaitDisconnect(BlockingQueue<HostEvent> events, PeerId peer) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      HostEvent e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e instanceof HostEvent.Disconnected d && d.connection().remotePeer().equals(peer)) {
        return;
      }
    }
    throw new AssertionError("no Disconnected event for " + peer + " within " + WAIT);
  }

  /**
   * {@code streams} concurrent {@code /echo/1.0.0} streams to {@code peer}, each sending {@code
   * size} random bytes and closing; true when every stream got its bytes back.
   */
  public static boolean echo(Host host, PeerId peer, int size, int streams) throws Exception {
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        int seed = i;
        results.add(ex.submit(() -> {
          byte[] data = new byte[size];
          new Random(seed).nextBytes(data);
          try (Stream s = host.newStream(peer, Echo.ID)) {
            Future<byte[]> back = ex.submit(() -> s.in().readAllBytes());
            s.out().write(data);
            s.closeWrite();
            return Arrays.equals(back.get(60, TimeUnit.SECONDS), data);
          }
        }));
      }
      boolean all = true;
      for (Future<Boolean> f : results) {
        all &= f.get(90, TimeUnit.SECONDS);
      }
      return all;
    }
  }
}
