package io.jlibp2p.cli;

import io.jlibp2p.core.Host;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.echo.Echo;
import io.jlibp2p.transport.quic.QuicTransport;
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

  @Override
  public Integer call() throws Exception {
    Libp2p.Builder b =
        Libp2p.builder().identity(Keys.loadOrCreate(key)).muxedTransport(QuicTransport::new);
    for (String a : listen == null || listen.isEmpty() ? DEFAULT_LISTEN : listen) {
      b.listen(a);
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
