package io.jlibp2p.cli;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.Stream;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.perf.Perf;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The perf tool of libp2p/test-plans: a {@code /perf/1.0.0} server, or a client printing one JSON
 * line per second and a final one.
 */
@Command(name = "perf", mixinStandardHelpOptions = true,
    description = "Run a /perf/1.0.0 server (--run-server) or client, as the libp2p test-plans perf runner does.")
final class PerfCommand implements Callable<Integer> {
  @Option(names = "--run-server", description = "Serve /perf/1.0.0 until stopped.")
  boolean server;

  @Option(names = "--server-address", required = true, paramLabel = "IP:PORT|MULTIADDR",
      description = "Where the server listens or is reached; a multiaddr chooses the transport itself.")
  String address;

  @Option(names = "--transport", defaultValue = "tcp",
      description = "tcp (default), ws or quic-v1: what the client dials at IP:PORT. A server at IP:PORT listens"
          + " on TCP (WebSocket with ws) and on QUIC-v1 at that port, as the test-plans perf servers do.")
  String transport;

  @Option(names = "--security", defaultValue = "noise",
      description = "noise (default), tls or plaintext. A server prefers it and also accepts noise and tls.")
  String security;

  @Option(names = "--muxer", defaultValue = "yamux",
      description = "yamux (default) or mplex. A server prefers it and also accepts the other.")
  String muxer;

  @Option(names = "--upload-bytes", defaultValue = "0", paramLabel = "N")
  long uploadBytes;

  @Option(names = "--download-bytes", defaultValue = "0", paramLabel = "N")
  long downloadBytes;

  /**
   * The addresses the server listens on, or the one the client dials: a multiaddr as given, else
   * derived from IP:PORT and {@code --transport}.
   */
  List<Multiaddr> addresses() {
    if (address.startsWith("/")) {
      return List.of(Multiaddr.parse(address));
    }
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("server address: " + address + " (expected: IP:PORT or a multiaddr)");
    }
    String ip = address.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(address.substring(colon + 1));
    Multiaddr asked = Multiaddr.parse(Stacks.listenAddress(transport, ip, port)); // rejects an unknown --transport
    if (!server) {
      return List.of(asked);
    }
    String stream = transport.equals("ws") ? "ws" : "tcp";
    return List.of(
        Multiaddr.parse(Stacks.listenAddress(stream, ip, port)),
        Multiaddr.parse(Stacks.listenAddress("quic-v1", ip, port)));
  }

  @Override
  public Integer call() {
    try {
      List<Multiaddr> addrs = addresses();
      Libp2p.Builder b = Libp2p.builder().identity(PrivateKey.generate(KeyType.ED25519));
      // a server also accepts the other common stacks after the chosen ones, as go-libp2p hosts do
      List<String> securities = server && !security.equals("plaintext")
          ? Stacks.preferring(security, List.of("noise", "tls")) : List.of(security);
      List<String> muxers = server ? Stacks.preferring(muxer, List.of("yamux", "mplex")) : List.of(muxer);
      Stacks.configure(b, addrs.stream().map(Stacks::transportOf).toList(), securities, muxers);
      if (server) {
        b.listen(addrs.toArray(Multiaddr[]::new)).handler(Perf.ID, new Perf());
        Host host = b.build();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          host.close();
          stop.countDown();
        }));
        for (Multiaddr a : host.listenAddresses()) {
          System.err.println("perf server listening: " + a + "/p2p/" + host.peerId());
        }
        stop.await();
        return 0;
      }
      try (Host host = b.noListen().build()) {
        return client(host, addrs.getFirst());
      }
    } catch (Exception e) {
      System.err.println("perf failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }

  private int client(Host host, Multiaddr addr) throws Exception {
    PrintStream out = System.out;
    Perf.Progress progress = new Perf.Progress();
    long start = System.nanoTime();
    Connection c = host.connect(addr);
    Thread reporter = Thread.ofVirtual().start(() -> {
      long lastTime = start;
      long lastUp = 0;
      long lastDown = 0;
      try {
        while (true) {
          Thread.sleep(1000); // report once a second
          long now = System.nanoTime();
          long up = progress.uploaded.get();
          long down = progress.downloaded.get();
          out.printf(Locale.ROOT,
              "{\"type\":\"intermediary\",\"timeSeconds\":%.3f,\"uploadBytes\":%d,\"downloadBytes\":%d}%n",
              (now - lastTime) / 1e9, up - lastUp, down - lastDown);
          out.flush();
          lastTime = now;
          lastUp = up;
          lastDown = down;
        }
      } catch (InterruptedException e) {
        // the run is over
      }
    });
    Perf.Result r;
    try (Stream s = c.newStream(Perf.ID)) {
      r = Perf.run(s, uploadBytes, downloadBytes, progress);
    } finally {
      reporter.interrupt();
      reporter.join();
    }
    long end = System.nanoTime();
    out.printf(Locale.ROOT, "{\"type\":\"final\",\"timeSeconds\":%.3f,\"uploadBytes\":%d,\"downloadBytes\":%d}%n",
        (end - start) / 1e9, r.uploadBytes(), r.downloadBytes());
    out.flush();
    return 0;
  }
}
