package io.jlibp2p.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.crypto.internal.pb.CryptoProtos;
import io.jlibp2p.multiformats.Varint;
import io.jlibp2p.record.internal.pb.EnvelopeProtos;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A signed envelope (specs {@code RFC/0002-signed-envelopes.md}): a payload, its type, the
 * signer's public key and a signature over a domain string, the payload type and the payload.
 * Immutable and thread-safe; no call blocks. An envelope obtained from {@link #open} has a valid
 * signature for the domain it was opened with.
 *
 * {@snippet :
 * Envelope sealed = Envelope.seal(key, "my-app-domain", payloadType, payload);
 * byte[] wire = sealed.toBytes();
 * Envelope opened = Envelope.open(wire, "my-app-domain");   // IllegalArgumentException if bad
 * PeerId signer = opened.peerId();
 * }
 */
public final class Envelope {
  /** Largest encoded envelope {@link #open} accepts. */
  public static final int MAX_ENCODED_LENGTH = 64 * 1024;

  private final String domain;
  private final PublicKey publicKey;
  private final byte[] payloadType;
  private final byte[] payload;
  private final byte[] signature;
  private final byte[] encoded;

  private Envelope(
      String domain,
      PublicKey publicKey,
      byte[] payloadType,
      byte[] payload,
      byte[] signature,
      byte[] encoded) {
    this.domain = domain;
    this.publicKey = publicKey;
    this.payloadType = payloadType;
    this.payload = payload;
    this.signature = signature;
    this.encoded = encoded;
  }

  /**
   * Signs {@code payload} with {@code key} in {@code domain}. The domain and payload type must not
   * be empty (as in go-libp2p).
   */
  public static Envelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
    Objects.requireNonNull(key, "key");
    checkDomain(domain);
    Objects.requireNonNull(payloadType, "payloadType");
    Objects.requireNonNull(payload, "payload");
    if (payloadType.length == 0) {
      throw new IllegalArgumentException("envelope payload type: empty (expected: a multicodec)");
    }
    byte[] type = payloadType.clone();
    byte[] body = payload.clone();
    byte[] signature = key.sign(signedBytes(domain, type, body));
    PublicKey publicKey = key.publicKey();
    byte[] encoded =
        EnvelopeProtos.Envelope.newBuilder()
            .setPublicKey(publicKeyProto(publicKey))
            .setPayloadType(ByteString.copyFrom(type))
            .setPayload(ByteString.copyFrom(body))
            .setSignature(ByteString.copyFrom(signature))
            .build()
            .toByteArray();
    if (encoded.length > MAX_ENCODED_LENGTH) {
      throw new IllegalArgumentException(
          "envelope: " + encoded.length + " bytes (expected: at most " + MAX_ENCODED_LENGTH + ")");
    }
    return new Envelope(domain, publicKey, type, body, signature, encoded);
  }

  /**
   * Parses {@code bytes} and verifies the signature for {@code expectedDomain}. Oversized or
   * malformed input, a bad public key or a signature that does not verify is an
   * IllegalArgumentException.
   */
  public static Envelope open(byte[] bytes, String expectedDomain) {
    Objects.requireNonNull(bytes, "bytes");
    checkDomain(expectedDomain);
    if (bytes.length > MAX_ENCODED_LENGTH) {
      throw new IllegalArgumentException(
          "envelope: " + bytes.length + " bytes (expected: at most " + MAX_ENCODED_LENGTH + ")");
    }
    EnvelopeProtos.Envelope pb;
    try {
      pb = EnvelopeProtos.Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("envelope: malformed protobuf: " + e.getMessage(), e);
    }
    if (!pb.hasPublicKey()) {
      throw new IllegalArgumentException("envelope: no public key");
    }
    PublicKey publicKey = PublicKey.unmarshal(pb.getPublicKey().toByteArray());
    byte[] type = pb.getPayloadType().toByteArray();
    byte[] body = pb.getPayload().toByteArray();
    byte[] signature = pb.getSignature().toByteArray();
    if (!publicKey.verify(signedBytes(expectedDomain, type, body), signature)) {
      throw new IllegalArgumentException(
          "envelope: invalid signature or wrong domain (expected domain: " + expectedDomain + ")");
    }
    return new Envelope(expectedDomain, publicKey, type, body, signature, bytes.clone());
  }

  /** The domain the signature was made (sealed) or verified (opened) in. */
  public String domain() {
    return domain;
  }

  /** The signer's public key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The signer's peer id. */
  public PeerId peerId() {
    return PeerId.fromPublicKey(publicKey);
  }

  /** The payload type (often a multicodec); a fresh copy. */
  public byte[] payloadType() {
    return payloadType.clone();
  }

  /** The payload; a fresh copy. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The signature; a fresh copy. */
  public byte[] signature() {
    return signature.clone();
  }

  /** The protobuf encoding: the exact bytes an opened envelope was parsed from. */
  public byte[] toBytes() {
    return encoded.clone();
  }

  /** Whether this envelope's payload type is {@code type}. */
  public boolean hasPayloadType(byte[] type) {
    return Arrays.equals(payloadType, type);
  }

  /** Equal when the domain, public key, payload type, payload and signature are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope e
        && e.domain.equals(domain)
        && e.publicKey.equals(publicKey)
        && Arrays.equals(e.payloadType, payloadType)
        && Arrays.equals(e.payload, payload)
        && Arrays.equals(e.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, publicKey, Arrays.hashCode(payloadType), Arrays.hashCode(payload), Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "Envelope[" + domain + ", signer " + peerId() + ", " + payload.length + "-byte payload]";
  }

  /** The signed bytes: varint-length-prefixed domain (UTF-8), payload type and payload. */
  static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
    byte[] d = domain.getBytes(StandardCharsets.UTF_8);
    byte[] out =
        new byte[Varint.encodedLength(d.length) + d.length
            + Varint.encodedLength(payloadType.length) + payloadType.length
            + Varint.encodedLength(payload.length) + payload.length];
    int off = 0;
    for (byte[] field : new byte[][] {d, payloadType, payload}) {
      off += Varint.write(field.length, out, off);
      System.arraycopy(field, 0, out, off, field.length);
      off += field.length;
    }
    return out;
  }

  private static CryptoProtos.PublicKey publicKeyProto(PublicKey key) {
    try {
      return CryptoProtos.PublicKey.parseFrom(key.marshal());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkDomain(String domain) {
    Objects.requireNonNull(domain, "domain");
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("envelope domain: empty");
    }
  }
}
