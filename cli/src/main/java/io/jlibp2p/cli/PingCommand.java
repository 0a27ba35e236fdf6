package io.jlibp2p.cli;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.protocol.ping.Ping;
import io.jlibp2p.transport.quic.QuicTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Dials a peer and pings it. */
@Command(name = "ping", mixinStandardHelpOptions = true, description = "Ping a peer (tcp, ws, wss or quic-v1): MULTIADDR must end in /p2p/<peer id>.")
final class PingCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MULTIADDR")
  String address;

  @Option(names = "--count", paramLabel = "N", defaultValue = "3", description = "Number of pings (default: 3).")
  int count;

  @Option(names = "--trust-cert", paramLabel = "FILE", description = "Trust this certificate (PEM or DER) for wss instead of the JDK's trust store (repeatable).")
  List<Path> trustCerts;

  @Override
  public Integer call() {
    Libp2p.Builder b = Libp2p.builder().noListen();
    try {
      if (trustCerts != null && !trustCerts.isEmpty()) {
        b.transport(new TcpTransport())
            .transport(new WebSocketTransport(WssOptions.client(trustCerts)))
            .muxedTransport(QuicTransport::new);
      }
    } catch (IOException e) {
      System.err.println("ping failed: " + e.getMessage());
      return 1;
    }
    try (Host host = b.build()) {
      PeerInfo peer = PeerInfo.parse(address);
      Connection c = host.connect(peer);
      List<Duration> rtts = Ping.ping(host, peer.peerId(), count);
      for (int i = 0; i < rtts.size(); i++) {
        System.out.printf(
            Locale.ROOT, "ping %d: %s rtt=%.3f ms%n", i + 1, c.remoteAddress(),
            rtts.get(i).toNanos() / 1e6);
      }
      System.out.flush();
      return 0;
    } catch (Exception e) {
      System.err.println("ping failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }
}
