package io.jlibp2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.HostEvent;
import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolNegotiationException;
import io.jlibp2p.core.Stream;
import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.protocol.echo.Echo;
import io.jlibp2p.protocol.identify.IdentifyMessage;
import io.jlibp2p.protocol.ping.Ping;
import io.jlibp2p.record.PeerRecord;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.plaintext.PlaintextTransport;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.spi.SecureTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class HostTest {
  private static final ProtocolId HOLD = ProtocolId.of("/hold/1.0.0");
  private final List<Host> hosts = new ArrayList<>();

  @AfterEach
  void closeHosts() {
    hosts.forEach(Host::close);
  }

  private Host host(String security, String muxer) throws IOException {
    Libp2p.Builder b = Libp2p.builder().listen("/ip4/127.0.0.1/tcp/0").handler(Echo.ID, new Echo());
    b.handler(HOLD, s -> s.in().readAllBytes());
    b.security(securityFactory(security));
    b.muxer(muxer.equals("mplex") ? new MplexMuxer() : new YamuxMuxer());
    Host h = b.build();
    hosts.add(h);
    return h;
  }

  private static Function<PrivateKey, SecureTransport> securityFactory(String security) {
    return switch (security) {
      case "plaintext" -> PlaintextTransport::new;
      case "tls" -> TlsTransport::new;
      default -> NoiseTransport::new;
    };
  }

  private static String securityId(String security) {
    return switch (security) {
      case "plaintext" -> "/plaintext/2.0.0";
      case "tls" -> "/tls/1.0.0";
      default -> "/noise";
    };
  }

  private static PeerInfo info(Host h) {
    return new PeerInfo(h.peerId(), h.listenAddresses());
  }

  private static <T> T await(BlockingQueue<HostEvent> q, Class<T> type, Predicate<T> p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      HostEvent e = q.poll(100, TimeUnit.MILLISECONDS);
      if (type.isInstance(e) && p.test(type.cast(e))) {
        return type.cast(e);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " event within 10 s");
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"noise,yamux", "noise,mplex", "tls,yamux", "tls,mplex", "plaintext,yamux", "plaintext,mplex"})
  void connectIdentifyPingEchoResetClose(String security, String muxer) throws Exception {
    Host a = host(security, muxer);
    Host b = host(security, muxer);
    BlockingQueue<HostEvent> aEvents = new LinkedBlockingQueue<>();
    BlockingQueue<HostEvent> bEvents = new LinkedBlockingQueue<>();
    a.subscribe(aEvents::add);
    b.subscribe(bEvents::add);

    Connection c = a.connect(info(b));
    assertThat(c.remotePeer()).isEqualTo(b.peerId());
    assertThat(c.security().value()).isEqualTo(securityId(security));
    assertThat(c.muxer().value()).contains(muxer);
    assertThat(a.connect(info(b))).isSameAs(c);

    HostEvent.Identified ida = await(aEvents, HostEvent.Identified.class, e -> e.peer().equals(b.peerId()));
    assertThat(ida.agentVersion()).startsWith("jlibp2p/");
    assertThat(ida.protocolVersion()).isEqualTo("ipfs/0.1.0");
    assertThat(ida.protocols()).contains(Ping.ID, Echo.ID, IdentifyMessage.ID);
    assertThat(ida.listenAddresses()).containsAll(b.listenAddresses());
    HostEvent.Identified idb = await(bEvents, HostEvent.Identified.class, e -> e.peer().equals(a.peerId()));
    assertThat(idb.protocols()).contains(Ping.ID);
    assertThat(b.peerStore().agentVersion(a.peerId())).hasValueSatisfying(v -> assertThat(v).startsWith("jlibp2p/"));
    assertThat(a.peerStore().signedPeerRecord(b.peerId()))
        .hasValueSatisfying(env -> {
          PeerRecord r = PeerRecord.open(env);
          assertThat(r.peerId()).isEqualTo(b.peerId());
          assertThat(r.addresses()).containsExactlyElementsOf(b.listenAddresses());
        });

    assertThat(Ping.ping(a, b.peerId(), 3)).hasSize(3);

    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(1).nextBytes(data);
    try (Stream s = a.newStream(b.peerId(), Echo.ID)) {
      Future<byte[]> back = Executors.newVirtualThreadPerTaskExecutor().submit(() -> s.in().readAllBytes());
      s.out().write(data);
      s.closeWrite();
      assertThat(back.get(30, TimeUnit.SECONDS)).isEqualTo(data);
    }

    // negotiation falls back to the second protocol
    try (Stream s = a.newStream(b.peerId(), ProtocolId.of("/unknown/1"), Echo.ID)) {
      assertThat(s.protocol()).isEqualTo(Echo.ID);
    }
    // an optimistic proposal the peer refuses fails on first read
    try (Stream s = a.newStream(b.peerId(), ProtocolId.of("/unknown/1"))) {
      s.write(new byte[] {1});
      assertThatThrownBy(() -> s.in().read()).isInstanceOf(ProtocolNegotiationException.class);
    }

    // a reset is seen by the other side
    BlockingQueue<Throwable> seen = new LinkedBlockingQueue<>();
    ProtocolId resetter = ProtocolId.of("/resetter/1.0.0");
    b.setHandler(resetter, s -> { s.in().read(); s.reset(); });
    try (Stream s = a.newStream(b.peerId(), resetter)) {
      s.write(new byte[] {1, 2, 3});
      assertThatThrownBy(() -> s.in().read()).isInstanceOf(StreamResetException.class);
    }
    ProtocolId waiter = ProtocolId.of("/waiter/1.0.0");
    b.setHandler(waiter, s -> {
      try {
        s.write(new byte[] {9});
        s.in().readAllBytes();
        seen.add(new AssertionError("read ended without reset"));
      } catch (IOException e) {
        seen.add(e);
      }
    });
    Stream w = a.newStream(b.peerId(), waiter);
    w.write(new byte[] {1});
    assertThat(w.in().read()).isEqualTo(9); // the handler is running
    w.reset();
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isInstanceOf(StreamResetException.class);

    // closing the connection is seen by both
    c.close();
    await(aEvents, HostEvent.Disconnected.class, e -> e.connection().remotePeer().equals(b.peerId()));
    await(bEvents, HostEvent.Disconnected.class, e -> e.connection().remotePeer().equals(a.peerId()));
    assertThat(a.connections(b.peerId())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ED25519", "SECP256K1", "ECDSA", "RSA"})
  void everyKeyTypeAsIdentity(KeyType type) throws Exception {
    for (String security : List.of("noise", "tls", "plaintext")) {
      Libp2p.Builder b = Libp2p.builder().identity(PrivateKey.generate(type)).listen("/ip4/127.0.0.1/tcp/0");
      b.security(securityFactory(security));
      Host server = b.build();
      hosts.add(server);
      Host client = host(security, "yamux");
      BlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
      client.subscribe(events::add);
      assertThat(client.connect(info(server)).remotePeer()).isEqualTo(server.peerId());
      await(events, HostEvent.Identified.class, e -> e.peer().equals(server.peerId()));
      assertThat(client.peerStore().publicKey(server.peerId()))
          .hasValueSatisfying(k -> assertThat(k.type()).isEqualTo(type));
      assertThat(Ping.ping(client, server.peerId(), 1)).hasSize(1);
    }
  }

  @Test
  void defaultHostAcceptsNoiseOnlyAndTlsOnlyPeers() throws Exception {
    Host server = Libp2p.builder().listen("/ip4/127.0.0.1/tcp/0").handler(Echo.ID, new Echo()).build();
    hosts.add(server);
    for (String security : List.of("tls", "noise")) {
      Host client = host(security, "yamux");
      Connection c = client.connect(info(server));
      assertThat(c.security().value()).isEqualTo(securityId(security));
      assertThat(Ping.ping(client, server.peerId(), 1)).hasSize(1);
    }
  }

  @Test
  void defaultsListenOnEveryInterfaceOverTcpAndNoListenOnlyDials() throws Exception {
    Host server = Libp2p.builder().build();
    hosts.add(server);
    assertThat(server.listenAddresses()).isNotEmpty()
        .allSatisfy(a -> assertThat(a.toString()).contains("/tcp/").doesNotStartWith("/ip4/0.0.0.0"))
        .anySatisfy(a -> assertThat(a.toString()).startsWith("/ip4/127.0.0.1/tcp/"));
    Host client = Libp2p.builder().noListen().build();
    hosts.add(client);
    assertThat(client.listenAddresses()).isEmpty();
    assertThat(client.connect(info(server)).remotePeer()).isEqualTo(server.peerId());
    assertThat(Ping.ping(client, server.peerId(), 1)).hasSize(1);
    // a transport that cannot listen on the default address: no listener, no failure
    Host wsOnly = Libp2p.builder().transport(new WebSocketTransport()).build();
    hosts.add(wsOnly);
    assertThat(wsOnly.listenAddresses()).isEmpty();
  }

  @Test
  void ipv6WildcardAndDnsAddresses() throws Exception {
    Host six = Libp2p.builder().listen("/ip6/::1/tcp/0").build();
    hosts.add(six);
    assertThat(six.listenAddresses()).singleElement().asString().startsWith("/ip6/::1/tcp/");
    Host any = Libp2p.builder().listen("/ip4/0.0.0.0/tcp/0").build();
    hosts.add(any);
    assertThat(any.listenAddresses()).isNotEmpty()
        .allSatisfy(a -> assertThat(a.toString()).doesNotStartWith("/ip4/0.0.0.0"))
        .anySatisfy(a -> assertThat(a.toString()).startsWith("/ip4/127.0.0.1/tcp/"));
    Host client = host("noise", "yamux");
    assertThat(client.connect(info(six)).remoteAddress().toString()).startsWith("/ip6/::1/tcp/");
    assertThat(Ping.ping(client, six.peerId(), 1)).hasSize(1);
    String port = any.listenAddresses().getFirst().valueOf(Multiaddr.Protocol.TCP).orElseThrow();
    Connection viaDns = client.connect(new PeerInfo(any.peerId(), List.of(Multiaddr.parse("/dns4/localhost/tcp/" + port))));
    assertThat(viaDns.remoteAddress().toString()).isEqualTo("/ip4/127.0.0.1/tcp/" + port);
  }

  @Test
  void thirtyConcurrentStreamsOnOneConnection() throws Exception {
    Host a = host("noise", "yamux");
    Host b = host("noise", "yamux");
    a.connect(info(b));
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        int seed = i;
        fs.add(ex.submit((Callable<Boolean>) () -> {
          byte[] d = new byte[100_000 + seed];
          new Random(seed).nextBytes(d);
          try (Stream s = a.newStream(b.peerId(), Echo.ID)) {
            Future<byte[]> back = Executors.newVirtualThreadPerTaskExecutor().submit(() -> s.in().readAllBytes());
            s.out().write(d);
            s.closeWrite();
            return java.util.Arrays.equals(back.get(), d);
          }
        }));
      }
      for (Future<Boolean> f : fs) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
      }
    }
    assertThat(a.connections(b.peerId())).hasSize(1);
  }

  @Test
  void dialingTheWrongPeerFails() throws Exception {
    Host a = host("noise", "yamux");
    Host b = host("noise", "yamux");
    PeerId other = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    assertThatThrownBy(() -> a.connect(new PeerInfo(other, b.listenAddresses())))
        .isInstanceOf(PeerIdMismatchException.class);
    assertThat(a.connections()).isEmpty();
  }

  @Test
  void unreachableAddressFailsClearly() throws Exception {
    Host a = host("noise", "yamux");
    Host b = host("noise", "yamux");
    Multiaddr dead = b.listenAddresses().get(0);
    b.close();
    assertThatThrownBy(() -> a.connect(new PeerInfo(b.peerId(), List.of(dead))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not connect");
  }

  @Test
  void handlerChangesArePushedToConnectedPeers() throws Exception {
    Host a = host("noise", "yamux");
    Host b = host("noise", "yamux");
    BlockingQueue<HostEvent> aEvents = new LinkedBlockingQueue<>();
    a.subscribe(aEvents::add);
    a.connect(info(b));
    await(aEvents, HostEvent.Identified.class, e -> true);
    ProtocolId fresh = ProtocolId.of("/fresh/1.0.0");
    b.setHandler(fresh, s -> {});
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> a.peerStore().protocols(b.peerId()).contains(fresh));
  }

  @Test
  @Timeout(180) // 1,000 connections: 6-9 s on a quiet machine, far more on a loaded one
  void churnReleasesThreadsAndSockets() throws Exception {
    Host a = host("noise", "yamux");
    Host b = host("noise", "yamux");
    // warm up, then measure
    for (int i = 0; i < 20; i++) {
      a.connect(info(b)).close();
    }
    awaitNoConnections(a, b);
    Resources before = Resources.now();
    for (int i = 0; i < 1000; i++) {
      Connection c = a.connect(info(b));
      Ping.ping(a, b.peerId(), 1);
      c.close();
      awaitNoConnections(a, null);
    }
    awaitNoConnections(a, b);
    assertReturnsTo(before);
  }

  @Test
  void closingHostsReleasesEverything() throws Exception {
    // warm up: the JDK starts some threads once (virtual thread pollers, carriers)
    try (Host a = host("noise", "yamux"); Host b = host("noise", "yamux")) {
      a.connect(info(b));
    }
    Resources before = Resources.now();
    for (int i = 0; i < 5; i++) {
      Host a = host("noise", "yamux");
      Host b = host("noise", "yamux");
      a.connect(info(b));
      a.close();
      b.close();
    }
    hosts.clear();
    assertReturnsTo(before);
  }

  private static void awaitNoConnections(Host a, Host b) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
        .untilAsserted(() -> {
          assertThat(a.connections()).isEmpty();
          if (b != null) {
            assertThat(b.connections()).isEmpty();
          }
        });
  }

  /** Threads and file descriptors come back to {@code before} (polled, 20 s at most). */
  private static void assertReturnsTo(Resources before) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> {
          Resources after = Resources.now();
          assertThat(after.fileDescriptors()).as("open file descriptors").isLessThanOrEqualTo(before.fileDescriptors());
          assertThat(after.jlibp2pPlatformThreads()).as("platform threads").isLessThanOrEqualTo(before.jlibp2pPlatformThreads());
          assertThat(after.virtualThreads()).as("virtual threads").isLessThanOrEqualTo(before.virtualThreads());
        });
  }
}
