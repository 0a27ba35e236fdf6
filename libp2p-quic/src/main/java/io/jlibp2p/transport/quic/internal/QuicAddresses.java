package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Multiaddr.Component;
import io.jlibp2p.multiformats.Multiaddr.Protocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/** QUIC-v1 multiaddrs: {@code /ip4|ip6|dns|dns4|dns6/<host>/udp/<port>/quic-v1}. Stateless. */
public final class QuicAddresses {
  private QuicAddresses() {}

  /** Host and port of a QUIC-v1 address (without {@code /p2p}), or null if it is none. */
  public record Target(Protocol hostProtocol, String host, int port) {
    public boolean isIp() {
      return hostProtocol == Protocol.IP4 || hostProtocol == Protocol.IP6;
    }
  }

  public static Target parse(Multiaddr address) {
    List<Component> cs = address.components();
    if (cs.size() != 3
        || cs.get(1).protocol() != Protocol.UDP
        || cs.get(2).protocol() != Protocol.QUIC_V1) {
      return null;
    }
    Protocol p = cs.get(0).protocol();
    if (p != Protocol.IP4 && p != Protocol.IP6 && p != Protocol.DNS && p != Protocol.DNS4
        && p != Protocol.DNS6) {
      return null;
    }
    return new Target(p, cs.get(0).valueString(), Integer.parseInt(cs.get(1).valueString()));
  }

  /** The socket address of {@code t}, resolving DNS names to an address of the right family. */
  public static InetSocketAddress resolve(Target t) throws UnknownHostException {
    if (t.isIp()) {
      return new InetSocketAddress(InetAddress.getByName(t.host()), t.port());
    }
    for (InetAddress a : InetAddress.getAllByName(t.host())) {
      if (t.hostProtocol() == Protocol.DNS
          || (t.hostProtocol() == Protocol.DNS4 && a instanceof Inet4Address)
          || (t.hostProtocol() == Protocol.DNS6 && a instanceof Inet6Address)) {
        return new InetSocketAddress(a, t.port());
      }
    }
    throw new UnknownHostException(t.host() + " has no " + t.hostProtocol() + " address");
  }

  /** The QUIC-v1 multiaddr of a UDP socket address. */
  public static Multiaddr toMultiaddr(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    String proto = ip instanceof Inet6Address ? "ip6" : "ip4";
    String host = ip.getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    return Multiaddr.parse("/" + proto + "/" + host + "/udp/" + a.getPort() + "/quic-v1");
  }
}
