package io.jlibp2p.crypto.internal;

import java.io.IOException;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1Primitive;

/** Parsing of DER structures from untrusted bytes: every failure is an IllegalArgumentException. */
final class Der {
  private Der() {}

  /** Parses {@code bytes} (one complete DER object) into {@code T} with {@code getInstance}. */
  static <T> T parse(byte[] bytes, Function<Object, T> getInstance, String what) {
    T value;
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(bytes);
      value = p == null ? null : getInstance.apply(p);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(what + ": malformed DER", e);
    }
    if (value == null) {
      throw new IllegalArgumentException(what + ": empty DER");
    }
    return value;
  }
}
