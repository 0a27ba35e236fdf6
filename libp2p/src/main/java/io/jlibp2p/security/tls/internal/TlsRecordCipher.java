package io.jlibp2p.security.tls.internal;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The record protection of one direction under one traffic secret (RFC 8446, 5.2-5.3): the
 * suite's AEAD with the nonce made of the write IV and the record's sequence number, the record
 * header as additional data. {@link #update()} moves to the next traffic secret (a key update).
 * Not thread-safe: one per direction, used under that direction's lock or thread.
 */
final class TlsRecordCipher {
  /** The AEAD tag of every TLS 1.3 suite. */
  static final int TAG_LENGTH = 16;

  /** Length of a TLS record header: type, legacy version, length. */
  static final int HEADER_LENGTH = 5;

  private final TlsSuite suite;
  private final Cipher cipher;
  private final boolean gcm;
  private final byte[] nonce = new byte[TlsSuite.IV_LENGTH];
  private final byte[] type = new byte[1];
  private byte[] secret;
  private SecretKeySpec key;
  private byte[] iv;
  private long sequence;

  TlsRecordCipher(TlsSuite suite, byte[] trafficSecret) {
    this.suite = suite;
    this.gcm = suite.cipher.startsWith("AES/GCM");
    try {
      this.cipher = Cipher.getInstance(suite.cipher);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + suite.cipher, e);
    }
    setSecret(trafficSecret);
  }

  private void setSecret(byte[] trafficSecret) {
    this.secret = trafficSecret;
    this.key = new SecretKeySpec(suite.expandLabel(trafficSecret, "key", new byte[0], suite.keyLength), suite.keyAlgorithm);
    this.iv = suite.expandLabel(trafficSecret, "iv", new byte[0], TlsSuite.IV_LENGTH);
    this.sequence = 0;
  }

  TlsSuite suite() {
    return suite;
  }

  /** Records protected under the current key. */
  long sequence() {
    return sequence;
  }

  /** Moves to the next application traffic secret; the sequence starts again at 0. */
  void update() {
    setSecret(suite.nextTrafficSecret(secret));
  }

  private void init(int mode, byte[] header, int headerOff) throws GeneralSecurityException {
    if (sequence == -1L) {
      throw new GeneralSecurityException("TLS record sequence number exhausted");
    }
    long s = sequence++;
    System.arraycopy(iv, 0, nonce, 0, TlsSuite.IV_LENGTH);
    for (int i = 0; i < 8; i++) {
      nonce[TlsSuite.IV_LENGTH - 1 - i] ^= (byte) (s >>> (8 * i));
    }
    AlgorithmParameterSpec spec = gcm ? new GCMParameterSpec(TAG_LENGTH * 8, nonce) : new IvParameterSpec(nonce);
    cipher.init(mode, key, spec);
    cipher.updateAAD(header, headerOff, HEADER_LENGTH);
  }

  /**
   * Protects {@code len} bytes of content and its inner content type into a record: the header is
   * written at {@code out[outOff]}, the ciphertext and tag after it. Returns the record's length
   * ({@value #HEADER_LENGTH} + len + 1 + {@value #TAG_LENGTH}).
   */
  int seal(byte type, byte[] in, int off, int len, byte[] out, int outOff) {
    int length = len + 1 + TAG_LENGTH;
    out[outOff] = TlsRecordLayer.APPLICATION_DATA;
    out[outOff + 1] = 3;
    out[outOff + 2] = 3;
    out[outOff + 3] = (byte) (length >>> 8);
    out[outOff + 4] = (byte) length;
    try {
      init(Cipher.ENCRYPT_MODE, out, outOff);
      int p = outOff + HEADER_LENGTH;
      p += cipher.update(in, off, len, out, p);
      this.type[0] = type;
      p += cipher.doFinal(this.type, 0, 1, out, p);
      if (p != outOff + HEADER_LENGTH + length) {
        throw new IllegalStateException("sealed " + (p - outOff - HEADER_LENGTH) + " bytes, expected " + length);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS record protection failed", e);
    }
    return HEADER_LENGTH + length;
  }

  /**
   * Opens the record whose header is at {@code in[off]}, ciphertext length {@code length} (at least
   * {@value #TAG_LENGTH}), writing the inner plaintext (content, content type, padding: {@code
   * length - }{@value #TAG_LENGTH} bytes) at {@code out[outOff]}. Returns that length.
   *
   * @throws AEADBadTagException when the record was not protected with this key and sequence
   */
  int open(byte[] in, int off, int length, byte[] out, int outOff) throws AEADBadTagException {
    try {
      init(Cipher.DECRYPT_MODE, in, off);
      return cipher.doFinal(in, off + HEADER_LENGTH, length, out, outOff);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS record decryption failed", e);
    }
  }
}
