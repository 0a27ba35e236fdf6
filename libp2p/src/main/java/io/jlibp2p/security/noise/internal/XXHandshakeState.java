package io.jlibp2p.security.noise.internal;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The Noise HandshakeState for the single pattern libp2p uses, {@value #PROTOCOL_NAME}:
 *
 * <pre>
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 * </pre>
 *
 * <p>The prologue and the ephemeral key can be injected (test vectors). Messages are written and
 * read strictly in turn; anything else is an IllegalStateException. Not thread-safe.
 */
public final class XXHandshakeState {
  public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";

  /** Number of messages in the pattern. */
  public static final int MESSAGES = 3;

  private static final int DH_LENGTH = X25519Keys.KEY_LENGTH;

  private final boolean initiator;
  private final SymmetricState symmetric = new SymmetricState(PROTOCOL_NAME);
  private final byte[] staticPrivate;
  private final byte[] staticPublic;
  private final SecureRandom random;
  private byte[] ephemeralPrivate;
  private byte[] ephemeralPublic;
  private byte[] remoteEphemeral;
  private byte[] remoteStatic;
  private int step;

  /**
   * @param initiator whether we send the first message
   * @param prologue data both sides must agree on, mixed into the hash; may be empty
   * @param staticPrivate our static X25519 private key
   * @param ephemeralPrivate our ephemeral private key, or {@code null} to generate one from
   *     {@code random}
   */
  public XXHandshakeState(
      boolean initiator,
      byte[] prologue,
      byte[] staticPrivate,
      byte[] ephemeralPrivate,
      SecureRandom random) {
    this.initiator = initiator;
    this.staticPrivate = staticPrivate.clone();
    this.staticPublic = X25519Keys.publicKey(staticPrivate);
    this.random = random;
    if (ephemeralPrivate != null) {
      this.ephemeralPrivate = ephemeralPrivate.clone();
    }
    symmetric.mixHash(prologue);
  }

  /** Whether the next step is ours to write. */
  public boolean isMyTurn() {
    return step < MESSAGES && ((step % 2 == 0) == initiator);
  }

  public boolean isComplete() {
    return step == MESSAGES;
  }

  /** Our static public key. */
  public byte[] localStaticPublic() {
    return staticPublic.clone();
  }

  /** The remote's static public key, once received. */
  public byte[] remoteStaticPublic() {
    return remoteStatic == null ? null : remoteStatic.clone();
  }

  public byte[] handshakeHash() {
    return symmetric.handshakeHash();
  }

  /** Writes the next handshake message carrying {@code payload}. */
  public byte[] writeMessage(byte[] payload) throws NonceExhaustedException {
    if (!isMyTurn()) {
      throw new IllegalStateException("Noise XX: not our turn to write (step " + step + ")");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + payload.length);
    switch (step) {
      case 0 -> writeEphemeral(out); // -> e
      case 1 -> { // <- e, ee, s, es
        writeEphemeral(out);
        symmetric.mixKey(X25519Keys.agree(ephemeralPrivate, remoteEphemeral));
        out.writeBytes(symmetric.encryptAndHash(staticPublic));
        symmetric.mixKey(X25519Keys.agree(staticPrivate, remoteEphemeral));
      }
      case 2 -> { // -> s, se
        out.writeBytes(symmetric.encryptAndHash(staticPublic));
        symmetric.mixKey(X25519Keys.agree(staticPrivate, remoteEphemeral));
      }
      default -> throw new IllegalStateException("Noise XX: handshake complete");
    }
    out.writeBytes(symmetric.encryptAndHash(payload));
    step++;
    return out.toByteArray();
  }

  /**
   * Reads the next handshake message and returns its payload.
   *
   * @throws AEADBadTagException if an encrypted part fails authentication
   * @throws IllegalArgumentException if the message is too short or a key is of low order
   */
  public byte[] readMessage(byte[] message, int off, int len)
      throws AEADBadTagException, NonceExhaustedException {
    if (isMyTurn() || isComplete()) {
      throw new IllegalStateException("Noise XX: not our turn to read (step " + step + ")");
    }
    int pos = off;
    int end = off + len;
    switch (step) {
      case 0 -> pos = readEphemeral(message, pos, end); // -> e
      case 1 -> { // <- e, ee, s, es
        pos = readEphemeral(message, pos, end);
        symmetric.mixKey(X25519Keys.agree(ephemeralPrivate, remoteEphemeral));
        pos = readStatic(message, pos, end);
        symmetric.mixKey(X25519Keys.agree(ephemeralPrivate, remoteStatic));
      }
      case 2 -> { // -> s, se
        pos = readStatic(message, pos, end);
        symmetric.mixKey(X25519Keys.agree(ephemeralPrivate, remoteStatic));
      }
      default -> throw new IllegalStateException("Noise XX: handshake complete");
    }
    byte[] payload = symmetric.decryptAndHash(message, pos, end - pos);
    step++;
    return payload;
  }

  /**
   * The transport cipher states once the handshake is complete: index 0 to send, index 1 to
   * receive.
   */
  public CipherState[] split() {
    if (!isComplete()) {
      throw new IllegalStateException("Noise XX: handshake not complete (step " + step + ")");
    }
    CipherState[] pair = symmetric.split();
    return initiator ? pair : new CipherState[] {pair[1], pair[0]};
  }

  private void writeEphemeral(ByteArrayOutputStream out) {
    if (ephemeralPrivate == null) {
      ephemeralPrivate = X25519Keys.generatePrivate(random);
    }
    ephemeralPublic = X25519Keys.publicKey(ephemeralPrivate);
    out.writeBytes(ephemeralPublic);
    symmetric.mixHash(ephemeralPublic);
  }

  private int readEphemeral(byte[] message, int pos, int end) {
    requireBytes(DH_LENGTH, pos, end, "ephemeral key");
    remoteEphemeral = Arrays.copyOfRange(message, pos, pos + DH_LENGTH);
    symmetric.mixHash(remoteEphemeral);
    return pos + DH_LENGTH;
  }

  private int readStatic(byte[] message, int pos, int end)
      throws AEADBadTagException, NonceExhaustedException {
    int length = symmetric.encryptedLength(DH_LENGTH);
    requireBytes(length, pos, end, "static key");
    remoteStatic = symmetric.decryptAndHash(message, pos, length);
    return pos + length;
  }

  private void requireBytes(int needed, int pos, int end, String what) {
    if (end - pos < needed) {
      throw new IllegalArgumentException(
          "Noise XX message "
              + (step + 1)
              + " too short for the "
              + what
              + ": "
              + (end - pos)
              + " bytes left (expected: "
              + needed
              + ")");
    }
  }
}
