package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Multiaddr.Component;
import io.jlibp2p.multiformats.Multiaddr.Protocol;
import io.jlibp2p.transport.tcp.internal.TcpAddress;
import java.util.List;

/**
 * A WebSocket address: a TCP head, then {@code /ws}, {@code /wss} (legacy for TLS), {@code /tls/ws}
 * or {@code /tls/sni/<name>/ws}.
 *
 * @param tcp the host and port
 * @param tls whether the WebSocket runs over TLS ({@code wss})
 * @param sni the server name to present and verify, if given ({@code /tls/sni/<name>})
 * @param suffix the address after the TCP head, as written
 */
public record WsAddress(TcpAddress tcp, boolean tls, String sni, Multiaddr suffix) {
  /** Parses {@code address} (without {@code /p2p}); null if it is not a WebSocket address. */
  public static WsAddress parse(Multiaddr address) {
    List<Component> cs = address.components();
    TcpAddress tcp = TcpAddress.parse(cs);
    if (tcp == null) {
      return null;
    }
    List<Component> rest = cs.subList(2, cs.size());
    Multiaddr suffix = Multiaddr.parse(suffixText(rest));
    return switch (rest.size()) {
      case 1 -> rest.get(0).protocol() == Protocol.WS ? new WsAddress(tcp, false, null, suffix)
          : rest.get(0).protocol() == Protocol.WSS ? new WsAddress(tcp, true, null, suffix) : null;
      case 2 -> rest.get(0).protocol() == Protocol.TLS && rest.get(1).protocol() == Protocol.WS
          ? new WsAddress(tcp, true, null, suffix) : null;
      case 3 -> rest.get(0).protocol() == Protocol.TLS && rest.get(1).protocol() == Protocol.SNI
          && rest.get(2).protocol() == Protocol.WS
          ? new WsAddress(tcp, true, rest.get(1).valueString(), suffix) : null;
      default -> null;
    };
  }

  private static String suffixText(List<Component> rest) {
    StringBuilder sb = new StringBuilder();
    for (Component c : rest) {
      sb.append(c);
    }
    return sb.length() == 0 ? "/ws" : sb.toString();
  }

  /** The name the TLS server must prove: the SNI name, else the DNS name, else the IP address. */
  public String tlsName() {
    return sni != null ? sni : tcp.host();
  }

  /** The HTTP {@code Host} header: {@code host:port}, an IPv6 address in brackets. */
  public String hostHeader() {
    String h = sni != null ? sni : tcp.host();
    if (sni == null && tcp.hostProtocol() == Protocol.IP6) {
      h = "[" + h + "]";
    }
    return h + ":" + tcp.port();
  }
}
