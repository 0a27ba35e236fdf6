package io.jlibp2p.muxer;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Test-only {@link RawConnection} over a loopback {@link Socket}; output buffered, as TCP's is. */
public final class SocketRawConnection implements RawConnection {
  /** Output buffer size; overridable with {@code -Djlibp2p.test.socketBuffer=}. */
  static final int BUFFER = Integer.getInteger("jlibp2p.test.socketBuffer", 256 * 1024);

  private final Socket socket;
  private final boolean initiator;
  private final InputStream in;
  private final OutputStream out;
  private volatile boolean outputClosed;

  public SocketRawConnection(Socket socket, boolean initiator) throws IOException {
    this.socket = socket;
    this.initiator = initiator;
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER) {
      @Override
      public void close() throws IOException {
        outputClosed = true;
        super.close();
      }
    };
  }

  /** Whether {@link #out()} was closed (a muxer ends its output before it closes the connection). */
  public boolean outputClosed() {
    return outputClosed;
  }

  /** A connected pair: [0] dialer, [1] listener side. */
  public static SocketRawConnection[] pair() throws IOException {
    Socket[] s = socketPair();
    return new SocketRawConnection[] {
      new SocketRawConnection(s[0], true), new SocketRawConnection(s[1], false)
    };
  }

  /** Two connected loopback sockets: [0] dialed, [1] accepted. */
  public static Socket[] socketPair() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Socket client = new Socket();
      client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
      Socket accepted = server.accept();
      return new Socket[] {client, accepted};
    }
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
    return null; // not needed by the muxers under test
  }

  @Override
  public Multiaddr remoteAddress() {
    return null;
  }

  @Override
  public boolean isInitiator() {
    return initiator;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
