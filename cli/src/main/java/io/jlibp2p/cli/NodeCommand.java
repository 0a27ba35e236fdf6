package io.jlibp2p.cli;

import io.jlibp2p.core.Host;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.echo.Echo;
import io.jlibp2p.transport.quic.QuicTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a node until SIGINT or SIGTERM. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run a libp2p node.")
final class NodeCommand implements Callable<Integer> {
  /** The listen addresses when none is given: TCP and QUIC-v1 on port 4001. */
  static final List<String> DEFAULT_LISTEN =
      List.of("/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1");

  @Option(names = "--listen", paramLabel = "MULTIADDR", description = "Address to listen on (repeatable). Default: /ip4/0.0.0.0/tcp/4001 and /ip4/0.0.0.0/udp/4001/quic-v1")
  List<String> listen;

  @Option(names = "--key", paramLabel = "FILE", description = "Identity key file (created if missing). Default: ~/.jlibp2p/identity.key")
  Path key;

  @Option(names = "--echo", description = "Serve /echo/1.0.0.")
  boolean echo;

  @Option(names = "--wss-keystore", paramLabel = "FILE", description = "PKCS#12 key store with the key and certificate chain to serve secure WebSocket (/tls/ws, /wss) with. Default: a new self-signed certificate")
  Path wssKeyStore;

  @Option(names = "--wss-keystore-password", paramLabel = "PASSWORD", defaultValue = "", description = "Password of --wss-keystore (default: empty)")
  String wssKeyStorePassword;

  @Option(names = "--wss-cert-out", paramLabel = "FILE", defaultValue = "wss-certificate.pem", description = "Where the self-signed wss certificate is written, in PEM (default: ${DEFAULT-VALUE})")
  Path wssCertOut;

  @Override
  public Integer call() throws Exception {
    Libp2p.Builder b =
        Libp2p.builder().identity(Keys.loadOrCreate(key)).muxedTransport(QuicTransport::new);
    List<Multiaddr> addresses =
        (listen == null || listen.isEmpty() ? DEFAULT_LISTEN : listen).stream().map(Multiaddr::parse).toList();
    addresses.forEach(b::listen);
    if (wssKeyStore != null || addresses.stream().anyMatch(WssOptions::isWss)) {
      b.transport(new TcpTransport())
          .transport(new WebSocketTransport(WssOptions.server(
              addresses, wssKeyStore, wssKeyStorePassword.toCharArray(), wssCertOut, System.out)));
    }
    if (echo) {
      b.handler(Echo.ID, new Echo());
    }
    Host host = b.build();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              host.close();
              stopped.countDown();
            },
            "jlibp2p-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintStream out = System.out;
    out.println("peer id: " + host.peerId());
    for (Multiaddr a : host.listenAddresses()) {
      out.println("listening: " + a + "/p2p/" + host.peerId());
    }
    out.flush();
    stopped.await();
    return 0;
  }
}
