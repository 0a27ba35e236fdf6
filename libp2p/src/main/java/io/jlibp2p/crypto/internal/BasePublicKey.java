package io.jlibp2p.crypto.internal;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;

/** Common state of the public keys: the type and the canonical raw encoding. Immutable. */
abstract class BasePublicKey implements PublicKey {
  private final KeyType type;
  private final byte[] raw;

  BasePublicKey(KeyType type, byte[] raw) {
    this.type = type;
    this.raw = raw;
  }

  @Override
  public final KeyType type() {
    return type;
  }

  @Override
  public final byte[] raw() {
    return raw.clone();
  }

  @Override
  public final byte[] marshal() {
    return KeyCodec.marshalPublicKey(type, raw);
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof BasePublicKey k && k.type == type && Arrays.equals(k.raw, raw);
  }

  @Override
  public final int hashCode() {
    return type.hashCode() * 31 + Arrays.hashCode(raw);
  }

  @Override
  public final String toString() {
    return "PublicKey[" + type + " " + HexFormat.of().formatHex(raw) + "]";
  }
}
