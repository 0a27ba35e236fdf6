package io.jlibp2p.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.core.Stream;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.echo.Echo;
import io.jlibp2p.protocol.identify.IdentifyMessage;
import io.jlibp2p.protocol.ping.Ping;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** QUIC under a host: the upgrader is skipped, identify, ping and echo run over QUIC streams. */
@Timeout(60)
class QuicHostTest {
  private final List<Host> hosts = new ArrayList<>();

  @AfterEach
  void closeHosts() {
    hosts.forEach(Host::close);
  }

  private Host host(String... listen) throws IOException {
    Host h =
        Libp2p.builder()
            .muxedTransport(QuicTransport::new)
            .listen(listen)
            .handler(Echo.ID, new Echo())
            .build();
    hosts.add(h);
    return h;
  }

  private static PeerInfo info(Host h) {
    return new PeerInfo(h.peerId(), h.listenAddresses());
  }

  @Test
  void connectIdentifyPingAndEchoOverQuic() throws Exception {
    Host a = host("/ip4/127.0.0.1/udp/0/quic-v1");
    Host b = host("/ip4/127.0.0.1/udp/0/quic-v1", "/ip4/127.0.0.1/tcp/0");
    Connection c = a.connect(new PeerInfo(b.peerId(), List.of(quicAddress(b))));
    assertThat(c.security().value()).isEqualTo("/tls/1.0.0");
    assertThat(c.muxer().value()).isEqualTo("/quic-v1");
    assertThat(c.remoteAddress().toString()).endsWith("/quic-v1");
    // identify both ways
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(
        () -> a.peerStore().protocols(b.peerId()).contains(Echo.ID)
            && b.peerStore().protocols(a.peerId()).contains(Ping.ID));
    assertThat(a.peerStore().protocols(b.peerId())).contains(IdentifyMessage.ID);
    assertThat(Ping.ping(a, b.peerId(), 3)).hasSize(3);
    assertThat(Ping.ping(b, a.peerId(), 1)).hasSize(1);
    byte[] data = new byte[1 << 20];
    new Random(1).nextBytes(data);
    try (Stream s = a.newStream(b.peerId(), Echo.ID)) {
      Thread writer =
          Thread.ofVirtual().start(() -> {
            try {
              s.write(data);
              s.closeWrite();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      assertThat(s.in().readAllBytes()).isEqualTo(data);
      writer.join();
    }
    // the remote sees our listening port (we dialed from it)
    Connection back = b.connections(a.peerId()).getFirst();
    assertThat(back.remoteAddress()).isEqualTo(quicAddress(a));
  }

  @Test
  void theBuilderDefaultsListenOnAndDialQuicWhenThisModuleIsPresent() throws Exception {
    Host server = Libp2p.builder().handler(Echo.ID, new Echo()).build();
    hosts.add(server);
    assertThat(server.listenAddresses())
        .anySatisfy(a -> assertThat(a.toString()).startsWith("/ip4/127.0.0.1/udp/").endsWith("/quic-v1"))
        .anySatisfy(a -> assertThat(a.toString()).startsWith("/ip4/127.0.0.1/tcp/"));
    Host client = Libp2p.builder().noListen().build();
    hosts.add(client);
    Connection c = client.connect(new PeerInfo(server.peerId(), List.of(quicAddress(server))));
    assertThat(c.muxer().value()).isEqualTo("/quic-v1");
    assertThat(Ping.ping(client, server.peerId(), 1)).hasSize(1);
  }

  private static Multiaddr quicAddress(Host h) {
    return h.listenAddresses().stream().filter(m -> m.toString().endsWith("/quic-v1")).findFirst().orElseThrow();
  }

  @Test
  void closingHostsLeavesNoThreadOrUdpSocketBehind() throws Exception {
    // warm up: native library, JIT, Netty's statics
    try (Host a = host("/ip4/127.0.0.1/udp/0/quic-v1"); Host b = host("/ip4/127.0.0.1/udp/0/quic-v1")) {
      a.connect(info(b));
    }
    long threadsBefore = quicThreads();
    long socketsBefore = udpSockets();
    List<Multiaddr> used = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Host a = host("/ip4/127.0.0.1/udp/0/quic-v1");
      Host b = host("/ip4/127.0.0.1/udp/0/quic-v1");
      a.connect(info(b));
      Ping.ping(a, b.peerId(), 1);
      assertThat(quicThreads()).isGreaterThan(threadsBefore);
      used.addAll(a.listenAddresses());
      a.close();
      b.close();
    }
    hosts.clear();
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      assertThat(quicThreads()).as("QUIC threads").isLessThanOrEqualTo(threadsBefore);
      assertThat(udpSockets()).as("UDP sockets").isLessThanOrEqualTo(socketsBefore);
    });
    // and the ports are free again
    for (Multiaddr m : used) {
      int port = Integer.parseInt(m.components().get(1).valueString());
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }

  /** Our platform threads and Netty's shared ones (its global executor ends itself when idle). */
  private static long quicThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("jlibp2p") || n.startsWith("globalEventExecutor") || n.contains("ObjectCleaner"))
        .count();
  }

  /** This process's UDP sockets (the inodes of /proc/net/udp and udp6 among our descriptors). */
  private static long udpSockets() throws IOException {
    java.util.Set<String> udp = new java.util.HashSet<>();
    for (String f : List.of("/proc/net/udp", "/proc/net/udp6")) {
      Path p = Path.of(f);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
        String[] cols = line.trim().split("\\s+");
        udp.add(cols[9]);
      }
    }
    long n = 0;
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[") && udp.contains(target.substring(8, target.length() - 1))) {
            n++;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return n;
  }
}
