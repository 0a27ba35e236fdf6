package io.jlibp2p.security.testing;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Two connected loopback TCP sockets as raw connections, for tests. */
public final class SocketPair implements AutoCloseable {
  public final SocketConnection dialer;
  public final SocketConnection listener;

  public SocketPair() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Socket d = new Socket();
      d.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      Socket l = server.accept();
      d.setTcpNoDelay(true);
      l.setTcpNoDelay(true);
      dialer = new SocketConnection(d, true);
      listener = new SocketConnection(l, false);
    }
  }

  @Override
  public void close() {
    dialer.close();
    listener.close();
  }

  /** A raw connection over a socket; counts how often it was closed. */
  public static final class SocketConnection implements RawConnection {
    private final Socket socket;
    private final boolean initiator;
    private final InputStream in;
    private final OutputStream out;
    private volatile boolean closed;

    SocketConnection(Socket socket, boolean initiator) throws IOException {
      this.socket = socket;
      this.initiator = initiator;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
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
      return null;
    }

    @Override
    public Multiaddr remoteAddress() {
      return null;
    }

    @Override
    public boolean isInitiator() {
      return initiator;
    }

    /** Closes our sending side only (TCP FIN). */
    public void socketShutdownOutput() throws IOException {
      socket.shutdownOutput();
    }

    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
