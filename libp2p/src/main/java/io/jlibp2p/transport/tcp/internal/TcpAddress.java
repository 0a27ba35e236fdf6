package io.jlibp2p.transport.tcp.internal;

import io.jlibp2p.multiformats.Multiaddr.Component;
import io.jlibp2p.multiformats.Multiaddr.Protocol;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;

/**
 * The {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>} head of an address, shared by the transports
 * that run over TCP sockets (TCP itself, WebSocket).
 *
 * @param hostProtocol {@code IP4}, {@code IP6}, {@code DNS}, {@code DNS4} or {@code DNS6}
 * @param host the address or name in text form
 * @param port the TCP port
 */
public record TcpAddress(Protocol hostProtocol, String host, int port) {
  public TcpAddress {
    Objects.requireNonNull(hostProtocol, "hostProtocol");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
  }

  /**
   * The TCP head of {@code components}, i.e. its first two; null when they are not a host and a
   * TCP port.
   */
  public static TcpAddress parse(List<Component> components) {
    if (components.size() < 2 || components.get(1).protocol() != Protocol.TCP) {
      return null;
    }
    Protocol p = components.get(0).protocol();
    if (p != Protocol.IP4 && p != Protocol.IP6 && p != Protocol.DNS && p != Protocol.DNS4
        && p != Protocol.DNS6) {
      return null;
    }
    return new TcpAddress(
        p, components.get(0).valueString(), Integer.parseInt(components.get(1).valueString()));
  }

  /** Whether the host is a DNS name (which can be dialed but not listened on). */
  public boolean isDns() {
    return hostProtocol == Protocol.DNS || hostProtocol == Protocol.DNS4 || hostProtocol == Protocol.DNS6;
  }

  /** The IP address to connect to; resolves a DNS name (blocking). */
  public InetAddress resolve() throws UnknownHostException {
    if (!isDns()) {
      return InetAddress.getByName(host);
    }
    for (InetAddress a : InetAddress.getAllByName(host)) {
      if (hostProtocol == Protocol.DNS
          || (hostProtocol == Protocol.DNS4 && a instanceof Inet4Address)
          || (hostProtocol == Protocol.DNS6 && a instanceof Inet6Address)) {
        return a;
      }
    }
    throw new UnknownHostException(host + " has no " + hostProtocol + " address");
  }

  /**
   * A new unconnected socket for {@code ip}'s family, a {@link SocketChannel}'s own (see {@link
   * io.jlibp2p.internal.SocketStreams}).
   */
  public static Socket newSocket(InetAddress ip) throws IOException {
    return SocketChannel.open(family(ip)).socket();
  }

  /**
   * A server socket bound to this address (an IP address, not a name) with {@code SO_REUSEADDR}: a
   * {@link ServerSocketChannel}'s own, of the address's family (so that {@code 0.0.0.0} stays an
   * IPv4 wildcard). Closed again if binding fails.
   */
  public ServerSocket listen(int backlog) throws IOException {
    InetAddress ip = InetAddress.getByName(host);
    ServerSocket server = ServerSocketChannel.open(family(ip)).socket();
    try {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(ip, port), backlog);
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static ProtocolFamily family(InetAddress ip) {
    return ip instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
  }

  /** The socket options every libp2p TCP connection gets: no Nagle delay, keep-alive. */
  public static void configure(Socket s) throws SocketException {
    s.setTcpNoDelay(true);
    s.setKeepAlive(true);
  }
}
