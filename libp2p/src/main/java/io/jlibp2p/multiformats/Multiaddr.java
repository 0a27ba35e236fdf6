package io.jlibp2p.multiformats;

import java.util.List;
import java.util.Optional;

/**
 * A multiaddr: a composable, self-describing network address such as {@code
 * /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...}. Immutable and thread-safe; equality is by binary form.
 */
public final class Multiaddr {
  // TODO: components

  /** Parses the text form; an unknown protocol or bad value is an IllegalArgumentException. */
  public static Multiaddr parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Parses the binary form; every length is bounded, bad input is an IllegalArgumentException. */
  public static Multiaddr decode(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The binary form. */
  public byte[] toBytes() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The components in order. */
  public List<Component> components() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The text value of the first component of {@code protocol}, if present. */
  public Optional<String> valueOf(Protocol protocol) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Whether some component is {@code protocol}. */
  public boolean has(Protocol protocol) {
    throw new UnsupportedOperationException("TODO");
  }

  /** This address followed by {@code other}. */
  public Multiaddr encapsulate(Multiaddr other) {
    throw new UnsupportedOperationException("TODO");
  }

  /** This address followed by one component given in text form. */
  public Multiaddr with(Protocol protocol, String value) {
    throw new UnsupportedOperationException("TODO");
  }

  /** This address up to, not including, the last occurrence of {@code protocol}; unchanged if absent. */
  public Multiaddr decapsulate(Protocol protocol) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The text value of the last {@code /p2p} component, if any. */
  public Optional<String> peerId() {
    throw new UnsupportedOperationException("TODO");
  }

  /** This address without a trailing {@code /p2p/<id>} component. */
  public Multiaddr withoutPeerId() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The text form. */
  @Override
  public String toString() {
    throw new UnsupportedOperationException("TODO");
  }

  /** One protocol and its value. */
  public record Component(Protocol protocol, byte[] value) {
    /** The value's text form ("" for protocols without a value). */
    public String valueString() {
      throw new UnsupportedOperationException("TODO");
    }
  }

  /** The multiaddr protocols (multicodec table). */
  public enum Protocol {
    IP4, IP6, TCP, UDP, DNS, DNS4, DNS6, DNSADDR, P2P, P2P_CIRCUIT, QUIC_V1, WS, WSS, TLS, NOISE
    // TODO: code, name, size and the rest
  }
}
