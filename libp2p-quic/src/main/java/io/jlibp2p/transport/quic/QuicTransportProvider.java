package io.jlibp2p.transport.quic;

import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.SecureMuxedTransport;
import io.jlibp2p.spi.SecureMuxedTransportProvider;
import java.util.List;

/**
 * Offers {@link QuicTransport} with its {@link QuicConfig#DEFAULT default} configuration to the
 * host builder's defaults (found by {@link java.util.ServiceLoader}): a host built with this module
 * on the class path dials QUIC and listens on {@value #DEFAULT_LISTEN} unless told otherwise.
 * Stateless and thread-safe.
 */
public final class QuicTransportProvider implements SecureMuxedTransportProvider {
  /** The QUIC address a default host listens on. */
  public static final String DEFAULT_LISTEN = "/ip4/0.0.0.0/udp/0/quic-v1";

  /** Made by {@link java.util.ServiceLoader}. */
  public QuicTransportProvider() {}

  @Override
  public SecureMuxedTransport create(PrivateKey identity) {
    return new QuicTransport(identity);
  }

  @Override
  public List<Multiaddr> defaultListenAddresses() {
    return List.of(Multiaddr.parse(DEFAULT_LISTEN));
  }
}
