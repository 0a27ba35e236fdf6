package io.jlibp2p.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.HostEvent;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.Stream;
import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.protocol.echo.Echo;
import io.jlibp2p.protocol.ping.Ping;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.spi.SecureTransport;
import java.io.IOException;
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
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hosts over ws and wss: the same security and muxer upgrade as over TCP. */
@Timeout(60)
class WebSocketHostTest {
  private final List<Host> hosts = new ArrayList<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void closeHosts() {
    hosts.forEach(Host::close);
    threads.shutdownNow();
  }

  private Host host(String listen, String security, String muxer) throws IOException {
    Function<PrivateKey, SecureTransport> sec = security.equals("tls") ? TlsTransport::new : NoiseTransport::new;
    Host h = Libp2p.builder()
        .transport(new WebSocketTransport(TestCertificates.config()))
        .listen(listen)
        .security(sec)
        .muxer(muxer.equals("mplex") ? new MplexMuxer() : new YamuxMuxer())
        .handler(Echo.ID, new Echo())
        .build();
    hosts.add(h);
    return h;
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

  private static byte[] echo(Stream s, byte[] data, ExecutorService threads) throws Exception {
    Future<byte[]> back = threads.submit(() -> s.in().readAllBytes());
    s.out().write(data);
    s.closeWrite();
    return back.get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}/{1}/{2}")
  @CsvSource({"ws,noise,yamux", "ws,noise,mplex", "ws,tls,yamux", "ws,tls,mplex",
      "tls/ws,noise,yamux", "tls/ws,noise,mplex", "tls/ws,tls,yamux", "wss,noise,mplex"})
  void connectIdentifyPingEchoStreamsResetClose(String ws, String security, String muxer) throws Exception {
    String listen = "/ip4/127.0.0.1/tcp/0/" + ws;
    Host a = host(listen, security, muxer);
    Host b = host(listen, security, muxer);
    assertThat(b.listenAddresses()).singleElement().asString().endsWith("/" + ws);
    BlockingQueue<HostEvent> aEvents = new LinkedBlockingQueue<>();
    BlockingQueue<HostEvent> bEvents = new LinkedBlockingQueue<>();
    a.subscribe(aEvents::add);
    b.subscribe(bEvents::add);

    Connection c = a.connect(new PeerInfo(b.peerId(), b.listenAddresses()));
    assertThat(c.remoteAddress().toString()).endsWith("/" + ws);
    assertThat(c.muxer().value()).contains(muxer);
    assertThat(await(aEvents, HostEvent.Identified.class, e -> e.peer().equals(b.peerId())).listenAddresses())
        .containsAll(b.listenAddresses());
    assertThat(await(bEvents, HostEvent.Identified.class, e -> e.peer().equals(a.peerId())).protocols())
        .contains(Ping.ID, Echo.ID);
    assertThat(Ping.ping(a, b.peerId(), 3)).hasSize(3);
    assertThat(Ping.ping(b, a.peerId(), 1)).hasSize(1);

    byte[] data = new byte[3 * 1024 * 1024 + 5];
    new Random(3).nextBytes(data);
    try (Stream s = a.newStream(b.peerId(), Echo.ID)) {
      assertThat(echo(s, data, threads)).isEqualTo(data);
    }

    List<Future<Boolean>> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      byte[] d = new byte[64 * 1024 + i];
      new Random(i).nextBytes(d);
      many.add(threads.submit(() -> {
        try (Stream s = a.newStream(b.peerId(), Echo.ID)) {
          return Arrays.equals(echo(s, d, threads), d);
        }
      }));
    }
    for (Future<Boolean> f : many) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
    }

    ProtocolId resetter = ProtocolId.of("/resetter/1.0.0");
    b.setHandler(resetter, s -> { s.in().read(); s.reset(); });
    try (Stream s = a.newStream(b.peerId(), resetter)) {
      s.write(new byte[] {1});
      assertThatThrownBy(() -> s.in().read()).isInstanceOf(StreamResetException.class);
    }

    c.close();
    await(aEvents, HostEvent.Disconnected.class, e -> e.connection().remotePeer().equals(b.peerId()));
    await(bEvents, HostEvent.Disconnected.class, e -> e.connection().remotePeer().equals(a.peerId()));
  }

  @Test
  void defaultHostsSpeakWebSocket() throws Exception {
    Host server = Libp2p.builder().listen("/ip4/127.0.0.1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0").build();
    hosts.add(server);
    Host client = Libp2p.builder().build();
    hosts.add(client);
    var ws = server.listenAddresses().stream().filter(m -> m.toString().endsWith("/ws")).toList();
    assertThat(ws).hasSize(1);
    Connection c = client.connect(new PeerInfo(server.peerId(), ws));
    assertThat(c.remoteAddress()).isEqualTo(ws.getFirst());
    assertThat(Ping.ping(client, server.peerId(), 1)).hasSize(1);
  }
}
