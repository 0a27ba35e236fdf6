package io.jlibp2p.security.tls.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS 1.3 cipher suites jlibp2p speaks, in its order of preference (AES-GCM first: the JDK has
 * intrinsics for it on most CPUs), and the key schedule's functions over each suite's hash (RFC
 * 8446, 7.1): HKDF-Extract, HKDF-Expand-Label and Derive-Secret. Immutable and thread-safe.
 */
enum TlsSuite {
  AES_128_GCM_SHA256(0x1301, "AES/GCM/NoPadding", "AES", 16, "SHA-256", "HmacSHA256", 32),
  AES_256_GCM_SHA384(0x1302, "AES/GCM/NoPadding", "AES", 32, "SHA-384", "HmacSHA384", 48),
  CHACHA20_POLY1305_SHA256(0x1303, "ChaCha20-Poly1305", "ChaCha20", 32, "SHA-256", "HmacSHA256", 32);

  /** The AEAD nonce length of every TLS 1.3 suite. */
  static final int IV_LENGTH = 12;

  private static final byte[] EMPTY = new byte[0];
  private static final byte[] LABEL_PREFIX = "tls13 ".getBytes(StandardCharsets.US_ASCII);

  final int id;
  final String cipher;
  final String keyAlgorithm;
  final int keyLength;
  final String hash;
  final String hmac;
  final int hashLength;

  TlsSuite(int id, String cipher, String keyAlgorithm, int keyLength, String hash, String hmac, int hashLength) {
    this.id = id;
    this.cipher = cipher;
    this.keyAlgorithm = keyAlgorithm;
    this.keyLength = keyLength;
    this.hash = hash;
    this.hmac = hmac;
    this.hashLength = hashLength;
  }

  /** The suite with this code point, or null. */
  static TlsSuite byId(int id) {
    for (TlsSuite s : values()) {
      if (s.id == id) {
        return s;
      }
    }
    return null;
  }

  MessageDigest digest() {
    try {
      return MessageDigest.getInstance(hash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + hash, e);
    }
  }

  byte[] hash(byte[] data, int off, int len) {
    MessageDigest d = digest();
    d.update(data, off, len);
    return d.digest();
  }

  /** An HMAC with this suite's hash, keyed with {@code key}. */
  private Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(key, hmac));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + hmac, e);
    }
  }

  /** HMAC with this suite's hash. */
  byte[] hmac(byte[] key, byte[] data) {
    return mac(key).doFinal(data);
  }

  /** HKDF-Extract (RFC 5869); a null salt or input keying material is a string of zeros. */
  byte[] extract(byte[] salt, byte[] ikm) {
    return hmac(salt == null ? new byte[hashLength] : salt, ikm == null ? new byte[hashLength] : ikm);
  }

  /** HKDF-Expand-Label (RFC 8446, 7.1) of {@code length} bytes. */
  byte[] expandLabel(byte[] secret, String label, byte[] context, int length) {
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    int labelLength = LABEL_PREFIX.length + l.length;
    byte[] info = new byte[2 + 1 + labelLength + 1 + context.length];
    info[0] = (byte) (length >>> 8);
    info[1] = (byte) length;
    info[2] = (byte) labelLength;
    System.arraycopy(LABEL_PREFIX, 0, info, 3, LABEL_PREFIX.length);
    System.arraycopy(l, 0, info, 3 + LABEL_PREFIX.length, l.length);
    info[3 + labelLength] = (byte) context.length;
    System.arraycopy(context, 0, info, 4 + labelLength, context.length);
    Mac mac = mac(secret);
    byte[] out = new byte[length];
    byte[] t = EMPTY;
    for (int done = 0, i = 1; done < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    return out;
  }

  /** Derive-Secret (RFC 8446, 7.1), given the transcript hash. */
  byte[] deriveSecret(byte[] secret, String label, byte[] transcriptHash) {
    return expandLabel(secret, label, transcriptHash, hashLength);
  }

  /** The Finished message's verify_data for a handshake traffic secret and transcript hash. */
  byte[] finished(byte[] trafficSecret, byte[] transcriptHash) {
    return hmac(expandLabel(trafficSecret, "finished", EMPTY, hashLength), transcriptHash);
  }

  /** The next application traffic secret (RFC 8446, 7.2). */
  byte[] nextTrafficSecret(byte[] secret) {
    return expandLabel(secret, "traffic upd", EMPTY, hashLength);
  }

  /** The secrets of the key schedule, one stage after another. */
  static final class Schedule {
    private final TlsSuite suite;
    private byte[] handshakeSecret;
    private byte[] masterSecret;

    Schedule(TlsSuite suite, byte[] sharedSecret) {
      this.suite = suite;
      byte[] early = suite.extract(null, null);
      byte[] derived = suite.deriveSecret(early, "derived", suite.hash(EMPTY, 0, 0));
      this.handshakeSecret = suite.extract(derived, sharedSecret);
    }

    /** client_ and server_handshake_traffic_secret, given the hash through the ServerHello. */
    byte[][] handshakeTrafficSecrets(byte[] transcriptHash) {
      return new byte[][] {
        suite.deriveSecret(handshakeSecret, "c hs traffic", transcriptHash),
        suite.deriveSecret(handshakeSecret, "s hs traffic", transcriptHash)
      };
    }

    /** client_ and server_application_traffic_secret_0, given the hash through server Finished. */
    byte[][] applicationTrafficSecrets(byte[] transcriptHash) {
      if (masterSecret == null) {
        byte[] derived = suite.deriveSecret(handshakeSecret, "derived", suite.hash(EMPTY, 0, 0));
        masterSecret = suite.extract(derived, null);
        handshakeSecret = null;
      }
      return new byte[][] {
        suite.deriveSecret(masterSecret, "c ap traffic", transcriptHash),
        suite.deriveSecret(masterSecret, "s ap traffic", transcriptHash)
      };
    }
  }
}
