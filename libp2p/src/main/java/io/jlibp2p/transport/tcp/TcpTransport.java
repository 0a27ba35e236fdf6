package io.jlibp2p.transport.tcp;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.internal.PooledBufferedInputStream;
import io.jlibp2p.internal.PooledBufferedOutputStream;
import io.jlibp2p.internal.SocketStreams;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Multiaddr.Component;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.Transport;
import io.jlibp2p.spi.TransportListener;
import io.jlibp2p.transport.tcp.internal.TcpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * TCP over IPv4 and IPv6: {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>}. DNS names are resolved
 * when dialing. Sockets have {@code TCP_NODELAY} set; reads and writes go through buffers of {@link
 * #BUFFER_SIZE} bytes from JVM-wide pools: the read buffer goes back while the connection waits for
 * bytes, the write buffer at every flush, so an idle connection holds neither. Sockets are
 * channels' own, so that large reads and writes can skip the JDK's copy ({@link SocketStreams}).
 * Thread-safe.
 */
public final class TcpTransport implements Transport {
  /**
   * Size of the read and write buffers of each connection: they gather the small reads and writes
   * of negotiation; larger ones (a security layer's whole frames) bypass them.
   */
  public static final int BUFFER_SIZE = 8 * 1024;

  /** The connections' read and write buffers; as many kept as connections commonly busy at once. */
  private static final BufferPool BUFFERS = new BufferPool(BUFFER_SIZE, 64);

  /** Pending accepted connections the kernel may queue per listener. */
  public static final int ACCEPT_BACKLOG = 1024;

  private final Set<TcpListener> listeners = ConcurrentHashMap.newKeySet();

  @Override
  public boolean canDial(Multiaddr address) {
    return parse(address.withoutPeerId()) != null;
  }

  @Override
  public boolean canListen(Multiaddr address) {
    TcpAddress t = parse(address);
    return t != null && !t.isDns();
  }

  @Override
  public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
    TcpAddress t = parse(address.withoutPeerId());
    if (t == null) {
      throw new IllegalArgumentException("address: " + address + " (expected: a tcp address)");
    }
    InetAddress ip = t.resolve();
    Socket socket = TcpAddress.newSocket(ip);
    try {
      TcpAddress.configure(socket);
      socket.connect(new InetSocketAddress(ip, t.port()), (int) Math.max(1, timeout.toMillis()));
      return new TcpConnection(socket, true);
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  @Override
  public TransportListener listen(Multiaddr address) throws IOException {
    TcpAddress t = parse(address);
    if (t == null || !canListen(address)) {
      throw new IllegalArgumentException("address: " + address + " (expected: /ip4|ip6/<ip>/tcp/<port>)");
    }
    ServerSocket server;
    try {
      server = t.listen(ACCEPT_BACKLOG);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    TcpListener l = new TcpListener(server);
    listeners.add(l);
    return l;
  }

  @Override
  public void close() {
    for (TcpListener l : List.copyOf(listeners)) {
      l.close();
    }
  }

  /** The multiaddr of a socket address. */
  public static Multiaddr toMultiaddr(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    String proto = ip instanceof Inet6Address ? "ip6" : "ip4";
    String host = ip.getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    return Multiaddr.parse("/" + proto + "/" + host + "/tcp/" + a.getPort());
  }

  private static TcpAddress parse(Multiaddr address) {
    List<Component> cs = address.components();
    return cs.size() == 2 ? TcpAddress.parse(cs) : null;
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing; nothing to do
    }
  }

  private final class TcpListener implements TransportListener {
    private final ServerSocket server;
    private final Multiaddr local;

    TcpListener(ServerSocket server) {
      this.server = server;
      this.local = toMultiaddr((InetSocketAddress) server.getLocalSocketAddress());
    }

    @Override
    public Multiaddr localAddress() {
      return local;
    }

    @Override
    public RawConnection accept() throws IOException {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (server.isClosed()) {
          throw new ConnectionClosedException("listener " + local + " closed");
        }
        throw e;
      }
      try {
        TcpAddress.configure(s);
        return new TcpConnection(s, false);
      } catch (IOException | RuntimeException e) {
        closeQuietly(s);
        throw e;
      }
    }

    @Override
    public void close() {
      listeners.remove(this);
      closeQuietly(server);
    }
  }

  private static final class TcpConnection implements RawConnection {
    private final SocketStreams streams;
    private final boolean initiator;
    private final InputStream in;
    private final OutputStream out;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final AtomicBoolean closed = new AtomicBoolean();

    TcpConnection(Socket socket, boolean initiator) throws IOException {
      this.local = toMultiaddr((InetSocketAddress) socket.getLocalSocketAddress());
      this.remote = toMultiaddr((InetSocketAddress) socket.getRemoteSocketAddress());
      this.streams = new SocketStreams(socket);
      this.initiator = initiator;
      this.in = new PooledBufferedInputStream(streams.in(), BUFFERS);
      this.out = new PooledBufferedOutputStream(streams.out(), BUFFERS);
    }

    @Override
    public InputStream in() {
      return in;
    }

    @Override
    public OutputStream out() {
      return out;
    }

    @Override
    public Multiaddr localAddress() {
      return local;
    }

    @Override
    public Multiaddr remoteAddress() {
      return remote;
    }

    @Override
    public boolean isInitiator() {
      return initiator;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        closeQuietly(streams);
      }
    }

    @Override
    public String toString() {
      return "tcp " + local + " <-> " + remote;
    }
  }
}
