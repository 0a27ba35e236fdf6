package io.jlibp2p.core;

import java.nio.charset.StandardCharsets;

/**
 * A libp2p protocol identifier such as {@code /ipfs/ping/1.0.0}, as negotiated by multistream-select.
 *
 * <p>Immutable and thread-safe.
 *
 * {@snippet :
 * ProtocolId ping = ProtocolId.of("/ipfs/ping/1.0.0");
 * }
 *
 * @param value the identifier; starts with {@code '/'}, at most {@value #MAX_LENGTH} bytes of UTF-8,
 *     no newline
 */
public record ProtocolId(String value) implements Comparable<ProtocolId> {
  /** Longest identifier accepted, in UTF-8 bytes (multistream-select messages are bounded too). */
  public static final int MAX_LENGTH = 1024;

  public ProtocolId {
    if (value == null || !value.startsWith("/")) {
      throw new IllegalArgumentException("protocol id: " + value + " (expected: starts with '/')");
    }
    if (value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("protocol id: " + value + " (expected: no newline)");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "protocol id of " + value.length() + " chars (expected: at most " + MAX_LENGTH + " bytes)");
    }
  }

  /** Returns the protocol id for {@code value}; see the record's constraints. */
  public static ProtocolId of(String value) {
    return new ProtocolId(value);
  }

  @Override
  public int compareTo(ProtocolId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
