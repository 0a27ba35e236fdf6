package io.jlibp2p.security.tls.internal;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.internal.PooledBufferedInputStream;
import io.jlibp2p.spi.RawConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.AEADBadTagException;

/**
 * The TLS 1.3 record layer (RFC 8446, 5) over a raw connection's blocking streams: plaintext
 * records until {@link TlsHandshake} installs keys, then protected ones. During the handshake it
 * reads and writes whole handshake messages; afterwards it offers an {@link InputStream} that
 * decrypts records (straight into the caller's array when the read is large enough for the whole
 * record) and an {@link OutputStream} that seals plaintext into full records, sending them on
 * {@code flush()} or when {@value #NET_OUT_RECORDS} are sealed. It answers key updates, moves to a
 * new key itself every {@link #KEY_UPDATE_RECORDS} records, ignores session tickets, and sends and
 * honours close_notify.
 *
 * <p>Its buffers (raw bytes in and out, a record's plaintext) come from JVM-wide pools and go back
 * whenever they are empty and, for input, nothing more has arrived: an idle connection waits in a
 * read of {@value #IDLE_READ} bytes and holds none (10-26 KiB of heap per idle connection, against
 * 182 KiB with fixed buffers).
 *
 * <p>Every length from the network is checked against a limit before it is buffered: records
 * against the sizes TLS allows, handshake messages against {@value #MAX_HANDSHAKE_MESSAGE}. A
 * failure on the read side sends the alert it calls for, closes the raw connection, and every later
 * read fails the same way.
 *
 * <p>One reading and one writing thread. A read may write anywhere in the range of the caller's
 * array it was given, past the bytes it returns: a record decrypted in place carries its content
 * type (and any padding) after the data. The byte after the data and up to 15 bytes of padding are
 * put back; a record padded with more, or a large record that carries no data, leaves its bytes.
 */
public final class TlsRecordLayer {
  /** Largest plaintext in one TLS record (RFC 8446, 5.1). */
  public static final int MAX_RECORD_PLAINTEXT = 1 << 14;

  /** Largest ciphertext in one protected record (RFC 8446, 5.2). */
  public static final int MAX_RECORD_CIPHERTEXT = MAX_RECORD_PLAINTEXT + 256;

  /**
   * The frame size muxers are asked to use over TLS: 16 records. Measured against 64 KiB frames,
   * a 1 GiB upload took 16-19% less CPU on each side with 256 KiB yamux frames (5 alternating
   * pairs), while over Noise 64 KiB frames measured best.
   */
  public static final int PREFERRED_FRAME_SIZE = 256 * 1024;

  /** Sealed records gathered before they are written to the raw connection. */
  public static final int NET_OUT_RECORDS = 4;

  /** Raw bytes read ahead from the raw connection, in records. */
  public static final int NET_IN_RECORDS = 4;

  /** Largest handshake message accepted (body and header). */
  public static final int MAX_HANDSHAKE_MESSAGE = 64 * 1024;

  /**
   * Records protected under one application key before we send a key update: 2^23, well inside
   * AES-GCM's limit of 2^24.5 full records per key (RFC 8446, 5.5).
   */
  public static final long KEY_UPDATE_RECORDS = 1L << 23;

  static final byte CHANGE_CIPHER_SPEC = 20;
  static final byte ALERT = 21;
  static final byte HANDSHAKE = 22;
  static final byte APPLICATION_DATA = 23;

  /** change_cipher_spec records dropped in one handshake (a peer sends one, before its flight). */
  static final int MAX_CHANGE_CIPHER_SPECS = 2;

  /**
   * Protected records in a row without application data (empty, session tickets, key updates) after
   * which the peer is refused: they cost a decryption each and carry nothing.
   */
  static final int MAX_EMPTY_RECORDS = 32;

  /** Handshake message types after the handshake (RFC 8446, 4). */
  private static final int NEW_SESSION_TICKET = 4;
  private static final int KEY_UPDATE = 24;

  private static final int HEADER = TlsRecordCipher.HEADER_LENGTH;
  private static final int TAG = TlsRecordCipher.TAG_LENGTH;
  private static final int MAX_RECORD = HEADER + MAX_RECORD_CIPHERTEXT;

  /**
   * Shorter protected records may carry no application data (a key update, an empty fragment), so
   * {@code available()} does not count them.
   */
  private static final int MIN_COUNTED_RECORD = 64;

  /** Bytes an idle connection waits for in a small read, holding no pooled buffer. */
  static final int IDLE_READ = 64;

  /**
   * The raw input and output buffers: {@value #NET_IN_RECORDS} records each, held only while bytes
   * move, so that an idle connection holds none (as {@link PooledBufferedInputStream} does).
   */
  private static final BufferPool NET_BUFFERS = new BufferPool(Math.max(NET_IN_RECORDS, NET_OUT_RECORDS) * (TlsRecordCipher.HEADER_LENGTH + MAX_RECORD_CIPHERTEXT), 64);

  /** Buffers of one record's plaintext, for decrypted bytes and plaintext not yet sealed. */
  private static final BufferPool RECORD_BUFFERS = new BufferPool(MAX_RECORD_CIPHERTEXT, 64);

  /** Records with at least this much plaintext decrypt straight into a caller's array that fits. */
  private static final int DIRECT_READ = 4096;

  /** Bytes of the caller's array after a directly decrypted record's data that are put back. */
  private static final int SAVED_TAIL = 16;

  private final RawConnection raw;
  private final InputStream rawIn;
  private final OutputStream rawOut;
  private final long keyUpdateRecords;
  /** Guards the write cipher and netOut, so records stay in order. */
  private final ReentrantLock outLock = new ReentrantLock();

  /**
   * Raw bytes not yet processed: netIn[netPos, netLim). A pooled buffer, or null while nothing is
   * buffered and the connection waits in a small read ({@link #probe}). Reader thread only.
   */
  private byte[] netIn;
  private int netPos;
  private int netLim;
  private final byte[] probe = new byte[IDLE_READ];
  /**
   * Decrypted application data not yet read: appIn[appPos, appLim). A pooled buffer while a record
   * is decrypted into it and read; null otherwise. Reader thread only.
   */
  private byte[] appIn;
  private int appPos;
  private int appLim;
  private final byte[] savedTail = new byte[SAVED_TAIL];
  /** Handshake bytes received and not yet taken as whole messages. Reader thread only. */
  private byte[] hs = new byte[1024];
  private int hsLength;

  /** Sealed records not yet written; a pooled buffer, null when all is sent. Under {@link #outLock}. */
  private byte[] netOut;
  private int netOutLength;
  /** Plaintext not yet sealed: appOut[0, appOutLength); pooled, null when empty. Writer thread only. */
  private byte[] appOut;
  private int appOutLength;

  private TlsRecordCipher readCipher; // reader thread
  private TlsRecordCipher writeCipher; // under outLock
  private volatile boolean handshakeDone;
  /** Reader thread: change_cipher_spec records may be dropped (RFC 8446, 5). */
  private boolean helloSeen;
  private int changeCipherSpecs;
  /** Reader thread: protected records in a row that carried no application data. */
  private int emptyRecords;
  /** The peer asked for a key update the reader could not answer at once. */
  private volatile boolean keyUpdateOwed;

  private boolean inboundDone;
  private IOException readFailure;
  private volatile boolean outputClosed;

  private final In in = new In();
  private final Out out = new Out();

  public TlsRecordLayer(RawConnection raw) {
    this(raw, KEY_UPDATE_RECORDS);
  }

  /** @param keyUpdateRecords records sent under one application key before a key update */
  TlsRecordLayer(RawConnection raw, long keyUpdateRecords) {
    this.raw = Objects.requireNonNull(raw, "raw");
    this.rawIn = raw.in();
    this.rawOut = raw.out();
    this.keyUpdateRecords = keyUpdateRecords;
  }

  public InputStream in() {
    return in;
  }

  public OutputStream out() {
    return out;
  }

  /** A TLS alert, sent (when {@code received} is false) or received. */
  public static final class AlertException extends ProtocolViolationException {
    private final int alert;
    private final boolean received;

    AlertException(int alert, boolean received, String message) {
      super(message);
      this.alert = alert;
      this.received = received;
    }

    AlertException(int alert, String message, Throwable cause) {
      super(message, cause);
      this.alert = alert;
      this.received = false;
    }

    public int alert() {
      return alert;
    }

    public boolean received() {
      return received;
    }
  }

  /** The connection ended while the handshake waited for the peer. */
  public static final class EndOfHandshakeException extends IOException {
    EndOfHandshakeException() {
      super("connection closed during the TLS handshake");
    }
  }

  // Alert descriptions (RFC 8446, 6)
  static final int CLOSE_NOTIFY = 0;
  static final int UNEXPECTED_MESSAGE = 10;
  static final int BAD_RECORD_MAC = 20;
  static final int RECORD_OVERFLOW = 22;
  static final int HANDSHAKE_FAILURE = 40;
  static final int BAD_CERTIFICATE = 42;
  static final int ILLEGAL_PARAMETER = 47;
  static final int DECODE_ERROR = 50;
  static final int DECRYPT_ERROR = 51;
  static final int PROTOCOL_VERSION = 70;
  static final int INTERNAL_ERROR = 80;
  static final int MISSING_EXTENSION = 109;
  static final int UNSUPPORTED_EXTENSION = 110;
  static final int CERTIFICATE_REQUIRED = 116;
  static final int NO_APPLICATION_PROTOCOL = 120;

  static AlertException alert(int alert, String message) {
    return new AlertException(alert, false, "TLS: " + message);
  }

  // ---- handshake side ----

  /** Installs the key that protects records from the peer; no handshake message may be split. */
  void setReadCipher(TlsRecordCipher cipher) throws AlertException {
    if (hsLength != 0) {
      throw alert(UNEXPECTED_MESSAGE, "a handshake message spans a key change");
    }
    readCipher = cipher;
  }

  /** Installs the key that protects the records we send from now on. */
  void setWriteCipher(TlsRecordCipher cipher) {
    outLock.lock();
    try {
      writeCipher = cipher;
    } finally {
      outLock.unlock();
    }
  }

  /** Whether any pooled buffer is held (for tests; the reader's fields are read racily). */
  boolean holdsBuffers() {
    outLock.lock();
    try {
      return netIn != null || appIn != null || netOut != null || appOut != null;
    } finally {
      outLock.unlock();
    }
  }

  /** The handshake is over: a close_notify now ends the input; the handshake buffer shrinks. */
  void handshakeDone() {
    handshakeDone = true;
    if (hsLength == 0) {
      hs = new byte[64]; // post-handshake messages are small; it grows if one is not
    }
  }

  /** The first ClientHello was sent or received: a change_cipher_spec record may come. */
  void helloSeen() {
    helloSeen = true;
  }

  /** Queues a handshake message in records of the current write protection. */
  void writeHandshake(byte[] message) throws IOException {
    outLock.lock();
    try {
      for (int off = 0; off < message.length; off += MAX_RECORD_PLAINTEXT) {
        writeRecord(HANDSHAKE, message, off, Math.min(MAX_RECORD_PLAINTEXT, message.length - off));
      }
    } finally {
      outLock.unlock();
    }
  }

  /** Sends everything queued. */
  void flush() throws IOException {
    outLock.lock();
    try {
      flushNet();
    } finally {
      outLock.unlock();
    }
  }

  /** Best effort: sends a fatal alert now, unless the writer holds the output. */
  void sendAlert(int alert) {
    if (!outLock.tryLock()) {
      return;
    }
    try {
      if (!outputClosed) {
        outputClosed = true;
        writeRecord(ALERT, new byte[] {2, (byte) alert}, 0, 2);
        flushNet();
      }
    } catch (IOException | RuntimeException ignored) {
      // the peer may already be gone; the failure that caused the alert is what matters
    } finally {
      outLock.unlock();
    }
  }

  /**
   * Reads one whole handshake message (its 4-byte header and body). Drops change_cipher_spec
   * records; fails on an alert, application data or a malformed record.
   */
  byte[] readHandshakeMessage(int expectedType) throws IOException {
    while (true) {
      byte[] m = takeMessage();
      if (m != null) {
        return m;
      }
      if (hsLength == 0 && readCipher == null && fillHeader() && netIn[netPos] == HANDSHAKE && length(netPos) > 0) {
        // fail fast on a peer that is not speaking TLS: the message type is in the first byte
        while (netLim - netPos <= HEADER && fill()) {
          // the first byte of the record's body
        }
        if (netLim - netPos > HEADER && (netIn[netPos + HEADER] & 0xff) != expectedType) {
          throw alert(UNEXPECTED_MESSAGE, "expected handshake message " + expectedType
              + ", received " + (netIn[netPos + HEADER] & 0xff));
        }
      }
      if (!fillRecord()) {
        if (netLim > netPos) {
          throw alert(DECODE_ERROR, "connection ended inside a record");
        }
        throw new EndOfHandshakeException();
      }
      int type = netIn[netPos];
      int length = length(netPos);
      int body = netPos + HEADER;
      if (type == CHANGE_CIPHER_SPEC) {
        // middlebox compatibility (RFC 8446, D.4): one byte 1, never protected, dropped
        if (length != 1 || netIn[body] != 1 || !helloSeen || ++changeCipherSpecs > MAX_CHANGE_CIPHER_SPECS) {
          throw alert(UNEXPECTED_MESSAGE, "unexpected or malformed change_cipher_spec record");
        }
        netPos = body + length;
        continue;
      }
      if (readCipher == null || type == ALERT) {
        // a peer that failed before it had our keys may send its alert unprotected
        netPos = body + length;
        if (type == ALERT) {
          onAlert(netIn, body, length);
        } else if (type != HANDSHAKE) {
          throw alert(UNEXPECTED_MESSAGE, "unprotected record of type " + type + " during the handshake");
        } else if (length == 0) {
          throw alert(UNEXPECTED_MESSAGE, "empty handshake record");
        } else {
          appendHandshake(netIn, body, length);
        }
        continue;
      }
      byte[] plain = appIn();
      int content = openInto(plain, 0);
      byte contentType = plain[content];
      if (contentType == HANDSHAKE && content > 0) {
        appendHandshake(plain, 0, content);
        releaseAppIn();
      } else if (contentType == ALERT) {
        onAlert(plain, 0, content);
      } else {
        throw alert(UNEXPECTED_MESSAGE, "record of content type " + contentType + " during the handshake");
      }
    }
  }

  private void appendHandshake(byte[] b, int off, int len) throws AlertException {
    int need = hsLength + len;
    if (need > hs.length) {
      if (need > MAX_HANDSHAKE_MESSAGE + MAX_RECORD_CIPHERTEXT) {
        throw alert(UNEXPECTED_MESSAGE, "handshake messages over " + MAX_HANDSHAKE_MESSAGE + " bytes");
      }
      hs = Arrays.copyOf(hs, Math.max(need, Math.min(2 * hs.length, MAX_HANDSHAKE_MESSAGE + MAX_RECORD_CIPHERTEXT)));
    }
    System.arraycopy(b, off, hs, hsLength, len);
    hsLength = need;
  }

  /** The next whole handshake message buffered, or null. */
  private byte[] takeMessage() throws AlertException {
    if (hsLength < 4) {
      return null;
    }
    int length = (hs[1] & 0xff) << 16 | (hs[2] & 0xff) << 8 | hs[3] & 0xff;
    if (length > MAX_HANDSHAKE_MESSAGE - 4) {
      throw alert(UNEXPECTED_MESSAGE, "handshake message of " + length + " bytes (limit: " + (MAX_HANDSHAKE_MESSAGE - 4) + ")");
    }
    if (hsLength < 4 + length) {
      return null;
    }
    byte[] m = Arrays.copyOf(hs, 4 + length);
    hsLength -= m.length;
    System.arraycopy(hs, m.length, hs, 0, hsLength);
    return m;
  }

  private void onAlert(byte[] b, int off, int len) throws IOException {
    if (len != 2) {
      throw alert(DECODE_ERROR, "alert of " + len + " bytes");
    }
    int description = b[off + 1] & 0xff;
    if (description == CLOSE_NOTIFY) {
      if (!handshakeDone) {
        throw new EndOfHandshakeException();
      }
      inboundDone = true;
      return;
    }
    throw new AlertException(description, true, "TLS: the peer sent alert " + alertName(description));
  }

  /** An alert's name (RFC 8446, 6), with its number. */
  static String alertName(int description) {
    String name =
        switch (description) {
          case CLOSE_NOTIFY -> "close_notify";
          case UNEXPECTED_MESSAGE -> "unexpected_message";
          case BAD_RECORD_MAC -> "bad_record_mac";
          case RECORD_OVERFLOW -> "record_overflow";
          case HANDSHAKE_FAILURE -> "handshake_failure";
          case BAD_CERTIFICATE -> "bad_certificate";
          case 43 -> "unsupported_certificate";
          case 44 -> "certificate_revoked";
          case 45 -> "certificate_expired";
          case 46 -> "certificate_unknown";
          case ILLEGAL_PARAMETER -> "illegal_parameter";
          case 48 -> "unknown_ca";
          case 49 -> "access_denied";
          case DECODE_ERROR -> "decode_error";
          case DECRYPT_ERROR -> "decrypt_error";
          case PROTOCOL_VERSION -> "protocol_version";
          case 71 -> "insufficient_security";
          case INTERNAL_ERROR -> "internal_error";
          case 86 -> "inappropriate_fallback";
          case 90 -> "user_canceled";
          case MISSING_EXTENSION -> "missing_extension";
          case UNSUPPORTED_EXTENSION -> "unsupported_extension";
          case 112 -> "unrecognized_name";
          case 113 -> "bad_certificate_status_response";
          case 115 -> "unknown_psk_identity";
          case CERTIFICATE_REQUIRED -> "certificate_required";
          case NO_APPLICATION_PROTOCOL -> "no_application_protocol";
          default -> "unknown";
        };
    return name + " (" + description + ")";
  }

  // ---- records ----

  private int length(int pos) {
    return (netIn[pos + 3] & 0xff) << 8 | netIn[pos + 4] & 0xff;
  }

  /**
   * Makes sure a whole record is buffered at {@code netIn[netPos]}, its length checked; false when
   * the raw stream ends first.
   */
  private boolean fillRecord() throws IOException {
    if (!fillHeader()) {
      return false;
    }
    int length = length(netPos);
    int limit = readCipher == null ? MAX_RECORD_PLAINTEXT : MAX_RECORD_CIPHERTEXT;
    if (length > limit) {
      throw alert(RECORD_OVERFLOW, "record of " + length + " bytes (limit: " + limit + ")");
    }
    while (netLim - netPos < HEADER + length) {
      if (!fill()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Makes sure a record header is buffered at {@code netIn[netPos]} and checks its type and
   * version, so that a peer speaking something else fails before its bytes are awaited; false when
   * the raw stream ends first.
   */
  private boolean fillHeader() throws IOException {
    while (netLim - netPos < HEADER) {
      if (!fill()) {
        return false;
      }
    }
    int type = netIn[netPos];
    if (type < CHANGE_CIPHER_SPEC || type > APPLICATION_DATA || netIn[netPos + 1] != 3) {
      throw alert(UNEXPECTED_MESSAGE, String.format(
          "not a TLS record: type %d, version %d.%d", type & 0xff, netIn[netPos + 1] & 0xff, netIn[netPos + 2] & 0xff));
    }
    return true;
  }

  /** Reads more raw bytes behind the buffered ones; false at end of stream. */
  private boolean fill() throws IOException {
    if (netIn != null && netPos == netLim && rawIn.available() <= 0) {
      NET_BUFFERS.release(netIn); // nothing buffered and nothing waiting: idle until more comes
      netIn = null;
    }
    if (netIn == null) {
      int r;
      do {
        r = rawIn.read(probe, 0, IDLE_READ);
      } while (r == 0);
      if (r < 0) {
        return false;
      }
      netIn = NET_BUFFERS.acquire();
      System.arraycopy(probe, 0, netIn, 0, r);
      netPos = 0;
      netLim = r;
      return true;
    }
    if (netLim == netIn.length) {
      System.arraycopy(netIn, netPos, netIn, 0, netLim - netPos);
      netLim -= netPos;
      netPos = 0;
    }
    int n = rawIn.read(netIn, netLim, netIn.length - netLim);
    if (n < 0) {
      return false;
    }
    netLim += n;
    return true;
  }

  /** The buffer records are decrypted into when they do not go to the caller's array. */
  private byte[] appIn() {
    if (appIn == null) {
      appIn = RECORD_BUFFERS.acquire();
    }
    return appIn;
  }

  /** Gives the decryption buffer back once everything in it was read. */
  private void releaseAppIn() {
    if (appIn != null) {
      RECORD_BUFFERS.release(appIn);
      appIn = null;
      appPos = appLim = 0;
    }
  }

  /**
   * Opens the protected record at {@code netIn[netPos]} into {@code out[off]} and consumes it;
   * returns the index, relative to {@code off}, of its inner content type (the content's length).
   */
  private int openInto(byte[] out, int off) throws AlertException {
    int type = netIn[netPos];
    int length = length(netPos);
    if (type != APPLICATION_DATA) {
      throw alert(UNEXPECTED_MESSAGE, "unprotected record of type " + type + " after the keys changed");
    }
    if (length <= TAG) {
      throw alert(DECODE_ERROR, "protected record of " + length + " bytes");
    }
    if (length - TAG > MAX_RECORD_PLAINTEXT + 1) {
      // content and type of at most 2^14 + 1 bytes (RFC 8446, 5.4), whatever the expansion allows
      throw alert(RECORD_OVERFLOW, "protected record of " + (length - TAG) + " bytes of plaintext (limit: "
          + (MAX_RECORD_PLAINTEXT + 1) + ")");
    }
    try {
      readCipher.open(netIn, netPos, length, out, off);
    } catch (AEADBadTagException e) {
      throw new AlertException(BAD_RECORD_MAC, "TLS: record authentication failed", e);
    }
    netPos += HEADER + length;
    int end = off + length - TAG - 1;
    while (end >= off && out[end] == 0) {
      end--;
    }
    if (end < off) {
      throw alert(UNEXPECTED_MESSAGE, "protected record without a content type");
    }
    return end - off;
  }

  // ---- writing, under outLock ----

  private void writeRecord(byte type, byte[] b, int off, int len) throws IOException {
    if (netOut == null) {
      netOut = NET_BUFFERS.acquire();
      netOutLength = 0;
    } else if (netOut.length - netOutLength < MAX_RECORD) {
      drainNet();
    }
    if (writeCipher == null) {
      netOut[netOutLength] = type;
      netOut[netOutLength + 1] = 3;
      netOut[netOutLength + 2] = 3;
      netOut[netOutLength + 3] = (byte) (len >>> 8);
      netOut[netOutLength + 4] = (byte) len;
      System.arraycopy(b, off, netOut, netOutLength + HEADER, len);
      netOutLength += HEADER + len;
    } else {
      netOutLength += writeCipher.seal(type, b, off, len, netOut, netOutLength);
    }
  }

  private static final byte[] KEY_UPDATE_NOT_REQUESTED = {KEY_UPDATE, 0, 0, 1, 0};

  /** Before application data: the key update we owe the peer, or one our key is due for. */
  private void updateKeyIfDue() throws IOException {
    if (keyUpdateOwed || writeCipher.sequence() >= keyUpdateRecords) {
      keyUpdateOwed = false;
      writeRecord(HANDSHAKE, KEY_UPDATE_NOT_REQUESTED, 0, KEY_UPDATE_NOT_REQUESTED.length);
      writeCipher.update();
    }
  }

  private void drainNet() throws IOException {
    if (netOutLength > 0) {
      rawOut.write(netOut, 0, netOutLength);
      netOutLength = 0;
    }
  }

  private void flushNet() throws IOException {
    drainNet();
    if (netOut != null) {
      NET_BUFFERS.release(netOut); // all sent: an idle connection holds no output buffer
      netOut = null;
    }
    rawOut.flush();
  }

  // ---- after the handshake ----

  private IOException failRead(IOException e) {
    readFailure = e;
    if (e instanceof AlertException a && !a.received()) {
      sendAlert(a.alert());
    }
    raw.close();
    return e;
  }

  /** Reader thread: a handshake message or alert after the handshake. */
  private void onControl(byte contentType, byte[] b, int off, int len) throws IOException {
    if (contentType == ALERT) {
      onAlert(b, off, len);
      return;
    }
    if (contentType != HANDSHAKE || len == 0) {
      throw alert(UNEXPECTED_MESSAGE, "record of content type " + contentType + " after the handshake");
    }
    appendHandshake(b, off, len);
    byte[] m;
    while ((m = takeMessage()) != null) {
      int type = m[0] & 0xff;
      if (type == NEW_SESSION_TICKET) {
        continue; // we do not resume sessions
      }
      if (type != KEY_UPDATE) {
        throw alert(UNEXPECTED_MESSAGE, "handshake message " + type + " after the handshake");
      }
      if (m.length != 5 || (m[4] & 0xff) > 1) {
        throw alert(m.length != 5 ? DECODE_ERROR : ILLEGAL_PARAMETER, "malformed key update");
      }
      if (hsLength != 0) {
        throw alert(UNEXPECTED_MESSAGE, "a handshake message follows a key update in its record");
      }
      readCipher.update();
      if (m[4] == 1) {
        // ours goes out before our next application data (RFC 8446, 4.6.3), from the writer: the
        // reader never waits on the network to write
        keyUpdateOwed = true;
      }
    }
  }

  private final class In extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      while (appPos == appLim) {
        if (readFailure != null) {
          throw readFailure;
        }
        if (inboundDone) {
          return -1;
        }
        int n;
        try {
          n = nextRecord(b, off, len);
        } catch (ProtocolViolationException | EndOfHandshakeException e) {
          throw failRead(e);
        } catch (RuntimeException e) {
          throw failRead(new AlertException(INTERNAL_ERROR, "TLS: " + e, e));
        }
        if (n > 0) {
          return n;
        }
      }
      int n = Math.min(len, appLim - appPos);
      System.arraycopy(appIn, appPos, b, off, n);
      appPos += n;
      if (appPos == appLim) {
        releaseAppIn();
      }
      return n;
    }

    /**
     * Reads and opens the next record: returns the data bytes it put into {@code b} (decrypted
     * straight into it), or 0 when it put them into {@link #appIn} or the record carried none. At
     * the end of the raw stream, between records, the input is done.
     */
    private int nextRecord(byte[] b, int off, int len) throws IOException {
      if (!fillRecord()) {
        if (netLim > netPos) {
          throw alert(DECODE_ERROR, "connection ended inside a record (" + (netLim - netPos) + " bytes)");
        }
        inboundDone = true;
        return 0;
      }
      int inner = length(netPos) - TAG;
      if (inner >= DIRECT_READ && len >= inner && netIn[netPos] == APPLICATION_DATA) {
        int tail = Math.min(SAVED_TAIL, inner);
        int tailStart = off + inner - tail;
        System.arraycopy(b, tailStart, savedTail, 0, tail);
        int content = openInto(b, off);
        byte contentType = b[off + content];
        byte[] control = null;
        if (contentType != APPLICATION_DATA) {
          control = Arrays.copyOfRange(b, off, off + content);
        }
        for (int i = Math.max(off + content, tailStart); i < off + inner; i++) {
          b[i] = savedTail[i - tailStart];
        }
        if (afterRecord(contentType, content)) {
          return content;
        }
        onControl(contentType, control, 0, content);
        return 0;
      }
      byte[] plain = appIn();
      int content = openInto(plain, 0);
      byte contentType = plain[content];
      if (afterRecord(contentType, content) && content > 0) {
        appPos = 0;
        appLim = content;
      } else {
        if (contentType != APPLICATION_DATA) {
          onControl(contentType, plain, 0, content);
        }
        releaseAppIn();
      }
      return 0;
    }

    /** Checks an opened record's place in the stream; true when it carries application data. */
    private boolean afterRecord(byte contentType, int content) throws AlertException {
      if (contentType != HANDSHAKE && hsLength != 0) {
        throw alert(UNEXPECTED_MESSAGE, "a record of content type " + contentType + " inside a handshake message");
      }
      boolean data = contentType == APPLICATION_DATA && content > 0;
      emptyRecords = data ? 0 : emptyRecords + 1;
      if (emptyRecords > MAX_EMPTY_RECORDS) {
        throw alert(UNEXPECTED_MESSAGE, MAX_EMPTY_RECORDS + " records in a row without application data");
      }
      return contentType == APPLICATION_DATA;
    }

    /**
     * Decrypted bytes buffered, or else an upper estimate of the plaintext of the next record when
     * it has been received whole (so that a muxer reader knows the next read will not block).
     * Records too short to be more than a handshake message or an empty fragment count as 0.
     */
    @Override
    public int available() throws IOException {
      if (appPos < appLim) {
        return appLim - appPos;
      }
      if (readFailure != null || inboundDone) {
        return 0;
      }
      int buffered = netIn == null ? 0 : netLim - netPos;
      if (buffered < HEADER) {
        // the next header has not been read: count only when a record of any size (and the one
        // after it, should the first carry no data) must already be there
        return buffered + rawIn.available() >= 2 * MAX_RECORD ? 1 : 0;
      }
      int length = length(netPos);
      if (netIn[netPos] != APPLICATION_DATA || length < MIN_COUNTED_RECORD || length > MAX_RECORD_CIPHERTEXT) {
        return 0;
      }
      int missing = HEADER + length - buffered;
      if (missing > 0 && rawIn.available() < missing) {
        return 0;
      }
      return length - TAG - 1;
    }

    @Override
    public void close() {
      raw.close();
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      appOut()[appOutLength++] = (byte) b;
      if (appOutLength == MAX_RECORD_PLAINTEXT) {
        sealBuffered();
      }
    }

    private byte[] appOut() {
      if (appOut == null) {
        appOut = RECORD_BUFFERS.acquire();
      }
      return appOut;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ensureOpen();
      while (len > 0) {
        if (appOutLength == 0 && len >= MAX_RECORD_PLAINTEXT) {
          int n = len - len % MAX_RECORD_PLAINTEXT;
          seal(b, off, n);
          off += n;
          len -= n;
          continue;
        }
        int n = Math.min(len, MAX_RECORD_PLAINTEXT - appOutLength);
        System.arraycopy(b, off, appOut(), appOutLength, n);
        appOutLength += n;
        off += n;
        len -= n;
        if (appOutLength == MAX_RECORD_PLAINTEXT) {
          sealBuffered();
        }
      }
    }

    /** Seals any buffered plaintext into a record and sends every sealed record. */
    @Override
    public void flush() throws IOException {
      ensureOpen();
      outLock.lock();
      try {
        sealBuffered();
        if (keyUpdateOwed) {
          updateKeyIfDue(); // an answer the reader could not send
        }
        flushNet();
      } finally {
        outLock.unlock();
      }
    }

    /** Flushes, sends close_notify and closes the raw connection's output. */
    @Override
    public void close() throws IOException {
      if (outputClosed) {
        return;
      }
      outLock.lock();
      try {
        if (outputClosed) {
          return;
        }
        sealBuffered();
        outputClosed = true;
        writeRecord(ALERT, new byte[] {1, CLOSE_NOTIFY}, 0, 2);
        flushNet();
      } finally {
        outLock.unlock();
        rawOut.close();
      }
    }

    private void sealBuffered() throws IOException {
      if (appOutLength > 0) {
        int n = appOutLength;
        appOutLength = 0;
        seal(appOut, 0, n);
      }
      if (appOut != null) {
        RECORD_BUFFERS.release(appOut); // sealed: the writer holds no plaintext buffer while idle
        appOut = null;
      }
    }

    private void seal(byte[] b, int off, int len) throws IOException {
      outLock.lock();
      try {
        if (outputClosed) {
          throw new IOException("TLS connection is closed for writing");
        }
        while (len > 0) {
          updateKeyIfDue();
          int n = Math.min(len, MAX_RECORD_PLAINTEXT);
          writeRecord(APPLICATION_DATA, b, off, n);
          off += n;
          len -= n;
        }
      } finally {
        outLock.unlock();
      }
    }

    private void ensureOpen() throws IOException {
      if (outputClosed) {
        throw new IOException("TLS output stream is closed");
      }
    }
  }
}
