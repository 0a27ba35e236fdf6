package io.jlibp2p.security.noise.internal;

import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.crypto.AEADBadTagException;
import javax.crypto.ShortBufferException;

/**
 * A Noise CipherState for ChaChaPoly: a key, a 64-bit nonce counter and one reused {@link
 * ChaChaPoly} (the JDK's ChaCha20-Poly1305, or the JDK's ChaCha20 with jlibp2p's Poly1305, as the
 * machine suits). The nonce is 4 zero bytes and the counter little-endian. Not thread-safe: one
 * direction of one connection.
 */
public final class CipherState {
  /** Length of the Poly1305 tag appended to every ciphertext. */
  public static final int TAG_LENGTH = 16;

  /** Length of a ChaChaPoly key. */
  public static final int KEY_LENGTH = 32;

  /** The reserved nonce 2^64-1, which may never be used. */
  private static final long MAX_NONCE = -1L;

  private static final byte[] EMPTY = new byte[0];

  private final ChaChaPoly aead;
  private final byte[] nonce = new byte[12];
  private boolean keyed;
  private long n;

  public CipherState() {
    this(ChaChaPoly.create());
  }

  CipherState(ChaChaPoly aead) {
    this.aead = aead;
  }

  /**
   * How this process computes ChaCha20-Poly1305 for Noise: {@code "jdk"} (the JDK's AEAD) or {@code
   * "split"} (ChaCha20 with jlibp2p's Poly1305); see {@link ChaChaPoly} and {@link #description()}.
   */
  public static String implementation() {
    return ChaChaPoly.IMPLEMENTATION;
  }

  /**
   * Blocks up to {@code max} until new messages take the vector forms of ChaCha20-Poly1305, which
   * they do only once the JIT has compiled them (see {@code VectorWarmup}); returns whether they
   * do, false at once where the vector forms do not apply. For benchmarks, which measure the
   * steady state.
   */
  public static boolean awaitVectorForms(Duration max) throws InterruptedException {
    if (!Poly1305.VECTOR) {
      return false;
    }
    return VectorWarmup.await(max);
  }

  /** How this process computes ChaCha20-Poly1305, in words (for reports). */
  public static String description() {
    if (!ChaChaPoly.IMPLEMENTATION.equals("split")) {
      return "the JDK's ChaCha20-Poly1305";
    }
    return (ChaChaPoly.Split.VECTOR_CHACHA ? "jlibp2p's vector ChaCha20" : "the JDK's ChaCha20")
        + " and jlibp2p's " + (Poly1305.VECTOR ? "vector Poly1305" : "Poly1305");
  }

  /** A cipher state holding {@code key} with nonce 0. */
  public static CipherState withKey(byte[] key) {
    CipherState cs = new CipherState();
    cs.initializeKey(key);
    return cs;
  }

  /**
   * A cipher state holding {@code key} with nonce 0 that computes ChaCha20-Poly1305 in the named
   * form ({@code "jdk"} or {@code "split"}, see {@link #implementation()}), whatever this process
   * chose; for benchmarks and tests.
   */
  public static CipherState withKey(byte[] key, String form) {
    CipherState cs = new CipherState(ChaChaPoly.create(form));
    cs.initializeKey(key);
    return cs;
  }

  /** Sets the key (32 bytes) and resets the nonce to 0. */
  public void initializeKey(byte[] k) {
    if (k.length != KEY_LENGTH) {
      throw new IllegalArgumentException("key of " + k.length + " bytes (expected: 32)");
    }
    aead.setKey(k);
    keyed = true;
    n = 0;
  }

  public boolean hasKey() {
    return keyed;
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
    if (!keyed) {
      System.arraycopy(in, inOff, out, outOff, len);
      return len;
    }
    nextNonce();
    try {
      int written = aead.encrypt(nonce, ad, in, inOff, len, out, outOff);
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
    if (!keyed) {
      System.arraycopy(in, inOff, out, outOff, len);
      return len;
    }
    if (len < TAG_LENGTH) {
      throw new AEADBadTagException(
          "ciphertext of " + len + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
    }
    nextNonce();
    try {
      int written = aead.decrypt(nonce, ad, in, inOff, len, out, outOff);
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

  /** Writes the counter into the nonce (4 zero bytes, then the counter little-endian). */
  private void nextNonce() throws NonceExhaustedException {
    if (n == MAX_NONCE) {
      throw new NonceExhaustedException();
    }
    long v = n;
    for (int i = 4; i < 12; i++) {
      nonce[i] = (byte) v;
      v >>>= 8;
    }
  }

  /** Encrypts a whole array (handshake use). */
  public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NonceExhaustedException {
    byte[] out = new byte[plaintext.length + (keyed ? TAG_LENGTH : 0)];
    encryptWithAd(ad == null ? EMPTY : ad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /** Decrypts a whole array (handshake use). */
  public byte[] decryptWithAd(byte[] ad, byte[] ciphertext, int off, int len)
      throws AEADBadTagException, NonceExhaustedException {
    if (keyed && len < TAG_LENGTH) {
      throw new AEADBadTagException(
          "ciphertext of " + len + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
    }
    byte[] out = new byte[len - (keyed ? TAG_LENGTH : 0)];
    decryptWithAd(ad, ciphertext, off, len, out, 0);
    return out;
  }
}
