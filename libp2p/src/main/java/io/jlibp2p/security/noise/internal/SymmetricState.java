package io.jlibp2p.security.noise.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The Noise SymmetricState with SHA-256 and ChaChaPoly. Not thread-safe. */
final class SymmetricState {
  static final int HASH_LENGTH = 32;

  private final MessageDigest sha256;
  private final Mac hmac;
  private final CipherState cipher = new CipherState();
  private byte[] ck;
  private byte[] h;

  SymmetricState(String protocolName) {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
      hmac = Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256/HMAC-SHA256 not available", e);
    }
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256.digest(name);
    ck = h.clone();
  }

  void mixHash(byte[] data) {
    sha256.update(h);
    sha256.update(data);
    h = sha256.digest();
  }

  void mixKey(byte[] inputKeyMaterial) {
    byte[][] out = hkdf(ck, inputKeyMaterial);
    ck = out[0];
    cipher.initializeKey(out[1]);
  }

  byte[] encryptAndHash(byte[] plaintext) throws NonceExhaustedException {
    byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  byte[] decryptAndHash(byte[] message, int off, int len)
      throws AEADBadTagException, NonceExhaustedException {
    byte[] plaintext = cipher.decryptWithAd(h, message, off, len);
    mixHash(Arrays.copyOfRange(message, off, off + len));
    return plaintext;
  }

  /** Length that {@code plaintextLength} bytes take once encrypted in the current state. */
  int encryptedLength(int plaintextLength) {
    return plaintextLength + (cipher.hasKey() ? CipherState.TAG_LENGTH : 0);
  }

  byte[] handshakeHash() {
    return h.clone();
  }

  /** The two transport cipher states: the first for the initiator's sending direction. */
  CipherState[] split() {
    byte[][] out = hkdf(ck, new byte[0]);
    return new CipherState[] {CipherState.withKey(out[0]), CipherState.withKey(out[1])};
  }

  /** HKDF from the Noise spec with two outputs. */
  private byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial) {
    byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
    byte[] out1 = hmac(tempKey, new byte[] {1});
    byte[] in2 = Arrays.copyOf(out1, HASH_LENGTH + 1);
    in2[HASH_LENGTH] = 2;
    byte[] out2 = hmac(tempKey, in2);
    return new byte[][] {out1, out2};
  }

  private byte[] hmac(byte[] key, byte[] data) {
    try {
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (java.security.InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
    return hmac.doFinal(data);
  }
}
