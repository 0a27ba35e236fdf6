package io.jlibp2p.security.noise.internal;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise CipherState for ChaChaPoly: a key, a 64-bit nonce counter and one reused JDK {@code
 * ChaCha20-Poly1305} Cipher. The nonce is 4 zero bytes and the counter little-endian. Not
 * thread-safe: one direction of one connection.
 */
public final class CipherState {
  /** Length of the Poly1305 tag appended to every ciphertext. */
  public static final int TAG_LENGTH = 16;

  /** Length of a ChaChaPoly key. */
  public static final int KEY_LENGTH = 32;

  /** The reserved nonce 2^64-1, which may never be used. */
  private static final long MAX_NONCE = -1L;

  private static final byte[] EMPTY = new byte[0];

  private final Cipher cipher;
  private final byte[] nonce = new byte[12];
  private SecretKeySpec key;
  private long n;

  public CipherState() {
    try {
      cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (NoSuchPaddingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
    }
  }

  /** A cipher state holding {@code key} with nonce 0. */
  public static CipherState withKey(byte[] key) {
    CipherState cs = new CipherState();
    cs.initializeKey(key);
    return cs;
  }

  /** Sets the key (32 bytes) and resets the nonce to 0. */
  public void initializeKey(byte[] k) {
    if (k.length != KEY_LENGTH) {
      throw new IllegalArgumentException("key of " + k.length + " bytes (expected: 32)");
    }
    key = new SecretKeySpec(k, "ChaCha20");
    n = 0;
  }

  public boolean hasKey() {
    return key != null;
  }

  /** The next nonce, as an unsigned 64-bit value (for tests). */
  public long nonce() {
    return n;
  }

  /** Sets the nonce counter (for tests of nonce exhaustion). */
  public void setNonce(long value) {
    n = value;
  }

  /**
   * Encrypts {@code len} bytes of {@code in} into {@code out} (which may be the same array at the
   * same offset) and returns the ciphertext length, {@code len + TAG_LENGTH}; without a key copies
   * the plaintext.
   *
   * @throws NonceExhaustedException when the 2^64-1 nonces are used up
   */
  public int encryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
      throws NonceExhaustedException {
    if (key == null) {
      System.arraycopy(in, inOff, out, outOff, len);
      return len;
    }
    init(Cipher.ENCRYPT_MODE, ad);
    try {
      int written = cipher.doFinal(in, inOff, len, out, outOff);
      n++;
      return written;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  /**
   * Decrypts and authenticates {@code len} bytes of {@code in} (ciphertext and tag) into {@code
   * out} (which may be the same array at the same offset) and returns the plaintext length; without
   * a key copies the input.
   *
   * @throws AEADBadTagException if the ciphertext is not authentic
   * @throws NonceExhaustedException when the 2^64-1 nonces are used up
   */
  public int decryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
      throws AEADBadTagException, NonceExhaustedException {
    if (key == null) {
      System.arraycopy(in, inOff, out, outOff, len);
      return len;
    }
    if (len < TAG_LENGTH) {
      throw new AEADBadTagException(
          "ciphertext of " + len + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
    }
    init(Cipher.DECRYPT_MODE, ad);
    try {
      int written = cipher.doFinal(in, inOff, len, out, outOff);
      n++;
      return written;
    } catch (AEADBadTagException e) {
      throw e;
    } catch (ShortBufferException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 output buffer too small", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }

  private void init(int mode, byte[] ad) throws NonceExhaustedException {
    if (n == MAX_NONCE) {
      throw new NonceExhaustedException();
    }
    long v = n;
    for (int i = 4; i < 12; i++) {
      nonce[i] = (byte) v;
      v >>>= 8;
    }
    try {
      cipher.init(mode, key, new IvParameterSpec(nonce));
    } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 init failed", e);
    }
    if (ad != null && ad.length > 0) {
      cipher.updateAAD(ad);
    }
  }

  /** Encrypts a whole array (handshake use). */
  public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NonceExhaustedException {
    byte[] out = new byte[plaintext.length + (key == null ? 0 : TAG_LENGTH)];
    encryptWithAd(ad == null ? EMPTY : ad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /** Decrypts a whole array (handshake use). */
  public byte[] decryptWithAd(byte[] ad, byte[] ciphertext, int off, int len)
      throws AEADBadTagException, NonceExhaustedException {
    if (key != null && len < TAG_LENGTH) {
      throw new AEADBadTagException(
          "ciphertext of " + len + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
    }
    byte[] out = new byte[len - (key == null ? 0 : TAG_LENGTH)];
    decryptWithAd(ad, ciphertext, off, len, out, 0);
    return out;
  }
}
