package io.jlibp2p.spi;

import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;

/**
 * Makes a {@link SecureMuxedTransport} that lives in another module (QUIC, which needs Netty), so
 * that the core library's host builder can offer it by default without depending on it. Found with
 * {@link java.util.ServiceLoader}: a module registers its provider in {@code
 * META-INF/services/io.jlibp2p.spi.SecureMuxedTransportProvider}. Implementations are stateless
 * and thread-safe.
 */
public interface SecureMuxedTransportProvider {
  /** A new transport for {@code identity}; the caller owns and closes it. */
  SecureMuxedTransport create(PrivateKey identity);

  /** The addresses a host listens on when none were given, e.g. {@code /ip4/0.0.0.0/udp/0/quic-v1}. */
  List<Multiaddr> defaultListenAddresses();
}
