package io.jlibp2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolNegotiationException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Varint;
import io.jlibp2p.muxer.internal.FrameInput;
import io.jlibp2p.muxer.mplex.MplexConfig;
import io.jlibp2p.muxer.mplex.internal.MplexFrame;
import io.jlibp2p.muxer.yamux.internal.YamuxFrame;
import io.jlibp2p.negotiation.MultistreamSelect;
import io.jlibp2p.negotiation.internal.MessageCodec;
import io.jlibp2p.protocol.identify.IdentifyMessage;
import io.jlibp2p.record.Envelope;
import io.jlibp2p.record.PeerRecord;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.noise.internal.CipherState;
import io.jlibp2p.security.noise.internal.NoiseFrames;
import io.jlibp2p.security.noise.internal.NoiseHandshake;
import io.jlibp2p.security.noise.internal.NoiseInputStream;
import io.jlibp2p.security.noise.internal.NoiseOutputStream;
import io.jlibp2p.security.noise.internal.X25519Keys;
import io.jlibp2p.security.noise.internal.XXHandshakeState;
import io.jlibp2p.security.noise.internal.pb.NoiseProtos.NoiseExtensions;
import io.jlibp2p.security.noise.internal.pb.NoiseProtos.NoiseHandshakePayload;
import io.jlibp2p.security.plaintext.PlaintextTransport;
import io.jlibp2p.security.plaintext.internal.pb.PlaintextProtos.Exchange;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import io.jlibp2p.transport.websocket.internal.WsAddress;
import io.jlibp2p.transport.websocket.internal.WsConnection;
import io.jlibp2p.transport.websocket.internal.WsFrames;
import io.jlibp2p.transport.websocket.internal.WsHandshake;
import io.jlibp2p.transport.websocket.internal.WsInput;
import io.jlibp2p.transport.websocket.internal.WsOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import javax.crypto.AEADBadTagException;

/**
 * Coverage-guided fuzzing of the wire-format decoders that read what a remote peer sends: the
 * yamux and mplex frame headers, multistream-select messages and whole negotiations (as listener
 * and as dialer), varints, the Noise handshake frames, handshake payload and transport frames, the
 * plaintext exchange, the TLS handshake as server and as client, identify messages, peer records
 * and their signed envelopes, and the WebSocket HTTP head and frames, and whole WebSocket
 * connections (handshake and frames) as server and as client.
 *
 * <p>Every input must end in one of two ways: the decoder succeeds, or it throws the exception it
 * documents for bad input ({@link ProtocolViolationException} or {@link EOFException} for stream
 * readers, and {@link ProtocolNegotiationException} for a negotiation without agreement, {@link
 * SecurityHandshakeException} for the Noise, plaintext and TLS handshakes, {@link
 * IllegalArgumentException} for byte-array parsers). Any other exception, an {@link
 * OutOfMemoryError} or a hang is a bug. Where it is cheap, what decodes is also checked: it
 * re-encodes to the bytes it came from, decodes again to an equal value, or matches a simple
 * reference decoder. Stream readers read from byte arrays, so no input can block them.
 */
class WireFuzzTest {
  private static final ProtocolId YAMUX = ProtocolId.of("/yamux/1.0.0");
  private static final ProtocolId MPLEX = ProtocolId.of("/mplex/6.7.0");

  /** A pool of the smallest buffers a pooled {@link FrameInput} takes. */
  private static final BufferPool MUX_BUFFERS = new BufferPool(64, 4);
  /** A pool of the smallest buffers a pooled {@link WsInput} takes. */
  private static final BufferPool WS_BUFFERS = new BufferPool(WsInput.MIN_BUFFER_SIZE, 4);

  // ---- muxers ----

  /**
   * Every 12-byte window decodes exactly when its version is 0 and its type at most 3, and then
   * re-encodes to the same bytes.
   */
  @FuzzTest(maxDuration = "2m")
  void yamuxHeader(@NotNull byte[] data) {
    for (int off = 0; off + YamuxFrame.HEADER_LENGTH <= data.length; off++) {
      boolean valid =
          data[off] == YamuxFrame.VERSION && (data[off + 1] & 0xff) <= YamuxFrame.GO_AWAY;
      YamuxFrame f;
      try {
        f = YamuxFrame.decode(data, off);
      } catch (ProtocolViolationException e) {
        assertThat(valid).as("rejected a valid header: %s", e.getMessage()).isFalse();
        continue;
      }
      assertThat(valid).as("accepted an invalid header").isTrue();
      byte[] again = new byte[YamuxFrame.HEADER_LENGTH];
      f.encode(again, 0);
      assertThat(again).isEqualTo(Arrays.copyOfRange(data, off, off + YamuxFrame.HEADER_LENGTH));
    }
  }

  /**
   * Reads mplex headers (skipping their payloads) through a {@link FrameInput}, fixed or pooled,
   * fed in chunks; each header re-encodes to the bytes it was read from.
   */
  @FuzzTest(maxDuration = "2m")
  void mplexHeaders(FuzzedDataProvider data) throws IOException {
    int maxMessageSize = data.consumeInt(1024, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE);
    int chunk = data.consumeInt(1, 80);
    boolean pooled = data.consumeBoolean();
    byte[] wire = data.consumeRemainingAsBytes();
    InputStream source = chunked(wire, chunk);
    FrameInput in =
        pooled ? new FrameInput(source, MUX_BUFFERS, null) : new FrameInput(source, 64);
    int at = 0;
    try {
      MplexFrame f;
      while ((f = MplexFrame.read(in, maxMessageSize)) != null) {
        byte[] header = f.encode();
        assertThat(Arrays.copyOfRange(wire, at, at + header.length)).isEqualTo(header);
        assertThat(f.length()).isLessThanOrEqualTo(maxMessageSize);
        at += header.length;
        in.skip(f.length());
        at += f.length();
      }
      assertThat(at).isEqualTo(wire.length);
    } catch (ProtocolViolationException | EOFException e) {
      // documented for bad or truncated input
    }
  }

  // ---- multistream-select and varints ----

  /** Reads messages until the input ends; each re-encodes to exactly the bytes it consumed. */
  @FuzzTest(maxDuration = "2m")
  void multistreamMessages(@NotNull byte[] wire) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(wire);
    try {
      while (true) {
        int at = wire.length - in.available();
        String text = MessageCodec.read(in, MultistreamSelect.MAX_MESSAGE_LENGTH);
        int end = wire.length - in.available();
        assertThat(MessageCodec.encode(text)).isEqualTo(Arrays.copyOfRange(wire, at, end));
      }
    } catch (ProtocolViolationException | EOFException e) {
      // documented for bad or truncated input; every input ends in one of them
    }
  }

  /** The protocols the negotiation tests propose and support, as the input picks them. */
  private static final List<ProtocolId> MS_PROTOCOLS =
      List.of(YAMUX, MPLEX, ProtocolId.of("/noise"), ProtocolId.of("/\u00fc/1"));

  /**
   * A listener's whole negotiation: the remote, a dialer, sends the input's bytes (the first {@code
   * split} of them at once, the rest when the listener reads past those) and ends its stream; the
   * listener supports the protocols of {@link #MS_PROTOCOLS} the input picks, in their order. It
   * must end as {@link MsReference} reads the bytes: with the first supported proposal, made in a
   * well-formed message after a well-formed header and at most {@link
   * MultistreamSelect#MAX_NEGOTIATION_ATTEMPTS} messages (proposals and {@code ls}), and the bytes
   * after it left to read; or with a {@link ProtocolNegotiationException} after that many messages
   * without one, a {@link ProtocolViolationException} at a header other than {@value
   * MultistreamSelect#HEADER} or the first malformed message, an {@link EOFException} where the
   * bytes end first. It reads nothing past where it ends, does not close the connection, has
   * flushed all it wrote whenever it reads or returns, and writes exactly its header (held back
   * until its first answer while more of the dialer's bytes have arrived) and an answer to each
   * message: {@code na}, its protocols for {@code ls}, the echo of the one it selects.
   */
  @FuzzTest(maxDuration = "2m")
  void multistreamListener(FuzzedDataProvider data) throws IOException {
    int mask = data.consumeInt(0, (1 << MS_PROTOCOLS.size()) - 1);
    List<ProtocolId> supported = new ArrayList<>();
    for (int i = 0; i < MS_PROTOCOLS.size(); i++) {
      if ((mask >> i & 1) != 0) {
        supported.add(MS_PROTOCOLS.get(i));
      }
    }
    int split = data.consumeInt(0, 255);
    byte[] wire = data.consumeRemainingAsBytes();
    negotiate(
        new MsConnection(wire, false, split),
        MsReference.listener(wire, split, supported),
        (in, out) -> MultistreamSelect.respond(in, out, supported));
  }

  /**
   * A dialer's whole negotiation: the local side proposes one to four protocols of {@link
   * #MS_PROTOCOLS} with {@link MultistreamSelect#select}, or one with {@link
   * MultistreamSelect#selectOptimistic} (then the input picks whether a {@code read()}, a {@code
   * read(byte[], int, int)}, {@code available()} or {@code skip} is first), and the remote, a
   * listener, answers with the input's bytes and ends its stream. It must end as {@link
   * MsReference} reads the bytes: with the proposal of the first round whose answer echoes it,
   * every earlier answer being {@code na}, after a well-formed header, and the bytes after it left
   * to read; or with a {@link ProtocolNegotiationException} after {@code na} to all, a {@link
   * ProtocolViolationException} at a header other than {@value MultistreamSelect#HEADER}, a
   * malformed message or another answer, an {@link EOFException} where the bytes end first; the
   * optimistic stream throws the same exception again at its next read. It reads nothing past
   * where it ends, does not close the connection, and writes exactly the header and each proposal
   * up to the last answer it reads: {@code select} flushes them before each read, {@code
   * selectOptimistic} not at all.
   */
  @FuzzTest(maxDuration = "2m")
  void multistreamDialer(FuzzedDataProvider data) throws IOException {
    boolean optimistic = data.consumeBoolean();
    int count = optimistic ? 1 : 1 + data.consumeInt(0, 3);
    List<ProtocolId> proposals = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      proposals.add(MS_PROTOCOLS.get(data.consumeInt(0, MS_PROTOCOLS.size() - 1)));
    }
    int firstAccess = optimistic ? data.consumeInt(0, 3) : 0;
    byte[] wire = data.consumeRemainingAsBytes();

    MsReference want = MsReference.dialer(wire, proposals);
    MsConnection c = new MsConnection(wire, true, 0);
    if (!optimistic) {
      negotiate(c, want, (in, out) -> MultistreamSelect.select(in, out, proposals));
      return;
    }
    InputStream lazy = MultistreamSelect.selectOptimistic(c, c.out(), proposals.get(0));
    assertThat(c.consumed).as("bytes read before the first read").isZero();
    assertThat(c.written.flushed).as("bytes flushed by selectOptimistic").isZero();
    c.out().flush(); // as the caller must before its first read
    ByteArrayOutputStream after = new ByteArrayOutputStream();
    int skipped = 0;
    int available = -1;
    IOException failure = null;
    try {
      switch (firstAccess) {
        case 0 -> {
          int b = lazy.read();
          if (b >= 0) {
            after.write(b);
          }
        }
        case 1 -> {
          byte[] buf = new byte[16];
          int n = lazy.read(buf, 0, buf.length);
          assertThat(n).as("bytes read").isNotZero();
          after.write(buf, 0, Math.max(n, 0));
        }
        case 2 -> available = lazy.available();
        default -> skipped = (int) lazy.skip(1);
      }
    } catch (IOException e) {
      failure = e;
    }
    want.check(failure, c.consumed - after.size() - skipped, c);
    if (failure != null) {
      IOException first = failure;
      assertThatThrownBy(lazy::read).isSameAs(first);
      return;
    }
    if (firstAccess == 2) {
      assertThat(available).isEqualTo(wire.length - want.at);
    }
    after.writeBytes(lazy.readAllBytes());
    assertThat(after.toByteArray())
        .isEqualTo(Arrays.copyOfRange(wire, want.at + skipped, wire.length));
  }

  /** A blocking negotiation, as {@link MultistreamSelect#respond} and {@code select} are. */
  private interface Negotiation {
    ProtocolId run(InputStream in, OutputStream out) throws IOException;
  }

  /**
   * Runs {@code negotiation} on {@code c} and checks its end against {@code want}; after a protocol
   * is selected, the rest of the remote's bytes must read on.
   */
  private static void negotiate(MsConnection c, MsReference want, Negotiation negotiation)
      throws IOException {
    ProtocolId selected = null;
    IOException failure = null;
    try {
      selected = negotiation.run(c, c.out());
    } catch (IOException e) {
      failure = e;
    }
    want.check(failure, c.consumed, c);
    if (selected != null) {
      assertThat(selected).isEqualTo(want.selected);
      assertThat(c.readAllBytes()).isEqualTo(Arrays.copyOfRange(c.wire, want.at, c.wire.length));
    }
  }

  /** What the local side wrote, and how much of it it had flushed. */
  private static final class Written extends ByteArrayOutputStream {
    int flushed;

    @Override
    public void flush() {
      flushed = size();
    }
  }

  /**
   * The local side's end of a {@link MuxSessionFuzzTest.ScriptedRemote} whose remote sends {@code
   * wire} and ends its stream, read as the bytes arrive: the first {@code split} at once (all if
   * {@code split} is 0), the rest when the local side reads past them. What the local side writes
   * is recorded, and every read checks that it has flushed all of it: a remote that waits for it
   * would wait forever.
   */
  private static final class MsConnection extends InputStream {
    final byte[] wire;
    final Written written = new Written();
    final MuxSessionFuzzTest.ScriptedRemote remote;
    private int arrived;
    int consumed;

    MsConnection(byte[] wire, boolean initiator, int split) {
      this.wire = wire;
      this.remote = MuxSessionFuzzTest.ScriptedRemote.sending(wire, initiator, written);
      this.arrived = Math.min(split, wire.length);
    }

    OutputStream out() {
      return remote.out();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      assertThat(written.flushed).as("bytes flushed when reading").isEqualTo(written.size());
      if (len > 0 && consumed == arrived) {
        arrived = wire.length;
      }
      int n =
          remote.in().read(b, off, consumed == arrived ? len : Math.min(len, arrived - consumed));
      consumed += Math.max(n, 0);
      return n;
    }

    @Override
    public int available() {
      return arrived - consumed;
    }
  }

  /**
   * An independent reading of the remote's side of a multistream-select negotiation, the
   * reference for {@link MultistreamSelect}: how the local side must end, after how many of the
   * remote's bytes ({@link #at}), and what it must have written ({@link #out}).
   */
  private static final class MsReference {
    enum End { SELECTED, NO_AGREEMENT, VIOLATION, EOF }

    private static final byte[] HEADER = msMessage(MultistreamSelect.HEADER);

    private final byte[] wire;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at;
    End end;
    ProtocolId selected;

    private MsReference(byte[] wire) {
      this.wire = wire;
    }

    /** A listener supporting {@code supported} that first sees {@code split} bytes arrive. */
    static MsReference listener(byte[] wire, int split, List<ProtocolId> supported) {
      MsReference r = new MsReference(wire);
      if (!r.header()) {
        return r;
      }
      // the header leaves at once if nothing more has arrived, else with the first answer
      int arrived = Math.min(split, wire.length);
      boolean held = r.at != arrived && r.at < wire.length;
      if (!held) {
        r.out.writeBytes(HEADER);
      }
      for (int i = 0; i < MultistreamSelect.MAX_NEGOTIATION_ATTEMPTS; i++) {
        String m = r.next();
        if (m == null) {
          return r;
        }
        if (held) {
          r.out.writeBytes(HEADER);
          held = false;
        }
        ProtocolId match =
            supported.stream().filter(p -> p.value().equals(m)).findFirst().orElse(null);
        if (m.equals("ls")) {
          ByteArrayOutputStream list = new ByteArrayOutputStream();
          supported.forEach(p -> list.writeBytes(msMessage(p.value())));
          list.write('\n');
          r.out.writeBytes(Varint.encode(list.size()));
          r.out.writeBytes(list.toByteArray());
        } else if (match == null) {
          r.out.writeBytes(msMessage("na"));
        } else {
          r.out.writeBytes(msMessage(m));
          return r.end(End.SELECTED, match);
        }
      }
      return r.end(End.NO_AGREEMENT, null);
    }

    /** A dialer proposing {@code proposals} in order. */
    static MsReference dialer(byte[] wire, List<ProtocolId> proposals) {
      MsReference r = new MsReference(wire);
      r.out.writeBytes(HEADER);
      r.out.writeBytes(msMessage(proposals.get(0).value()));
      if (!r.header()) {
        return r;
      }
      for (int i = 0; i < proposals.size(); i++) {
        ProtocolId proposal = proposals.get(i);
        if (i > 0) {
          r.out.writeBytes(msMessage(proposal.value()));
        }
        String answer = r.next();
        if (answer == null) {
          return r;
        }
        if (answer.equals(proposal.value())) {
          return r.end(End.SELECTED, proposal);
        }
        if (!answer.equals("na")) {
          return r.end(End.VIOLATION, null);
        }
      }
      return r.end(End.NO_AGREEMENT, null);
    }

    /**
     * Checks the local side's end: {@code failure} (null if it succeeded) after reading {@code
     * consumed} bytes of {@code c}, at most as many as {@link
     * MultistreamSelect#MAX_NEGOTIATION_ATTEMPTS} proposals after a header take; and what it
     * wrote to {@code c}, which stays open.
     */
    void check(IOException failure, int consumed, MsConnection c) {
      Class<?> expected = switch (end) {
        case SELECTED -> null;
        case NO_AGREEMENT -> ProtocolNegotiationException.class;
        case VIOLATION -> ProtocolViolationException.class;
        case EOF -> EOFException.class;
      };
      if (expected == null ? failure != null : !expected.isInstance(failure)) {
        throw new AssertionError(
            "expected " + end + " after " + at + " bytes (" + selected + "), got " + failure,
            failure);
      }
      if (end == End.VIOLATION) {
        assertThat(consumed).as("bytes read").isLessThanOrEqualTo(at);
      } else {
        assertThat(consumed).as("bytes read").isEqualTo(at);
      }
      assertThat(consumed)
          .as("bytes read")
          .isLessThanOrEqualTo((MultistreamSelect.MAX_NEGOTIATION_ATTEMPTS + 1)
              * (Varint.MAX_BYTES + MultistreamSelect.MAX_MESSAGE_LENGTH));
      assertThat(c.written.toByteArray()).as("bytes written").isEqualTo(out.toByteArray());
      assertThat(c.written.flushed).as("bytes flushed").isEqualTo(c.written.size());
      assertThat(c.remote.isClosed()).as("connection closed").isFalse();
    }

    private MsReference end(End e, ProtocolId p) {
      end = e;
      selected = p;
      return this;
    }

    /** Reads the remote's header; false (and the end) if it is not the multistream header. */
    private boolean header() {
      String h = next();
      if (h != null && !h.equals(MultistreamSelect.HEADER)) {
        end(End.VIOLATION, null);
      }
      return end == null;
    }

    /** The next message's text, or null (and the end) if it is malformed or cut short. */
    private String next() {
      long length = 0;
      for (int i = 0; ; i++) {
        if (i == Varint.MAX_BYTES) {
          return fail(End.VIOLATION);
        }
        if (at == wire.length) {
          return fail(End.EOF);
        }
        int b = wire[at++] & 0xff;
        length |= (long) (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
          if (b == 0 && i > 0) {
            return fail(End.VIOLATION);
          }
          break;
        }
      }
      if (length == 0 || length > MultistreamSelect.MAX_MESSAGE_LENGTH) {
        return fail(End.VIOLATION);
      }
      if (wire.length - at < length) {
        at = wire.length;
        return fail(End.EOF);
      }
      byte[] text = Arrays.copyOfRange(wire, at, at + (int) length - 1);
      at += (int) length;
      if (wire[at - 1] != '\n') {
        return fail(End.VIOLATION);
      }
      String s = new String(text, StandardCharsets.UTF_8); // malformed UTF-8 does not re-encode
      return Arrays.equals(s.getBytes(StandardCharsets.UTF_8), text) ? s : fail(End.VIOLATION);
    }

    private String fail(End e) {
      end(e, null);
      return null;
    }
  }

  /** A multistream-select message: a varint length, the text in UTF-8 and a newline. */
  private static byte[] msMessage(String text) {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    return concat(Varint.encode(body.length), body);
  }

  /**
   * The four varint readers agree on {@code buf[off, limit)}: {@code decode} and {@code readOrEof}
   * accept the same values and lengths, and what they accept is the minimal encoding of its value;
   * {@code read} and {@code readLength} follow from them.
   */
  @FuzzTest(maxDuration = "2m")
  void varint(FuzzedDataProvider data) throws IOException {
    int maxLength = data.consumeInt(0, Integer.MAX_VALUE);
    int offset = data.consumeInt(0, 12);
    int cut = data.consumeInt(0, 12);
    byte[] buf = data.consumeRemainingAsBytes();
    int off = Math.min(offset, buf.length);
    int limit = Math.max(off, buf.length - cut);
    boolean empty = off == limit;

    Varint.Decoded d;
    try {
      d = Varint.decode(buf, off, limit);
    } catch (IllegalArgumentException e) {
      d = null;
    }
    ByteArrayInputStream in = new ByteArrayInputStream(buf, off, limit - off);
    Long streamed;
    try {
      streamed = Varint.readOrEof(in);
    } catch (ProtocolViolationException | EOFException e) {
      streamed = null;
    }
    if (d == null) {
      assertThat(streamed).isEqualTo(empty ? Long.valueOf(-1) : null);
      assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(buf, off, limit - off)))
          .isInstanceOfAny(ProtocolViolationException.class, EOFException.class);
      if (empty) {
        assertThat(Varint.readLength(new ByteArrayInputStream(buf, off, limit - off), maxLength))
            .isEqualTo(-1);
      } else {
        assertThatThrownBy(
                () -> Varint.readLength(new ByteArrayInputStream(buf, off, limit - off), maxLength))
            .isInstanceOfAny(ProtocolViolationException.class, EOFException.class);
      }
      return;
    }
    assertThat(d.value()).isNotNegative();
    assertThat(streamed).isEqualTo(d.value());
    assertThat(limit - off - in.available()).isEqualTo(d.length());
    assertThat(Varint.encode(d.value())).isEqualTo(Arrays.copyOfRange(buf, off, off + d.length()));
    assertThat(Varint.read(new ByteArrayInputStream(buf, off, limit - off))).isEqualTo(d.value());
    ByteArrayInputStream again = new ByteArrayInputStream(buf, off, limit - off);
    if (d.value() <= maxLength) {
      assertThat(Varint.readLength(again, maxLength)).isEqualTo((int) d.value());
    } else {
      assertThatThrownBy(() -> Varint.readLength(again, maxLength))
          .isInstanceOf(ProtocolViolationException.class);
    }
  }

  // ---- Noise ----

  /** Reads handshake frames until the input ends; each is exactly its length prefix's bytes. */
  @FuzzTest(maxDuration = "2m")
  void noiseHandshakeFrame(@NotNull byte[] wire) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(wire);
    try {
      for (int n = 1; ; n++) {
        int at = wire.length - in.available();
        byte[] message = NoiseFrames.readHandshakeFrame(in, n);
        int length = (wire[at] & 0xff) << 8 | wire[at + 1] & 0xff;
        assertThat(message)
            .isEqualTo(Arrays.copyOfRange(
                wire, at + NoiseFrames.LENGTH_PREFIX, at + NoiseFrames.LENGTH_PREFIX + length));
        assertThat(wire.length - in.available()).isEqualTo(at + NoiseFrames.LENGTH_PREFIX + length);
      }
    } catch (SecurityHandshakeException e) {
      // documented: the input ended before or inside a frame
    }
  }

  private static final PrivateKey NOISE_RESPONDER_KEY =
      PrivateKey.generate(KeyType.ED25519, MultiformatsFuzzTest.fixedRandom(1));
  private static final PrivateKey NOISE_INITIATOR_KEY =
      PrivateKey.generate(KeyType.ED25519, MultiformatsFuzzTest.fixedRandom(2));
  private static final byte[] NOISE_INITIATOR_STATIC =
      X25519Keys.generatePrivate(MultiformatsFuzzTest.fixedRandom(3));

  /**
   * A responder's handshake whose third message carries a payload made from the input: optionally
   * a valid identity key, a valid signature and a muxer list first, then the input's bytes (which,
   * protobuf merging repeated fields, may override or add to them). The handshake either succeeds,
   * and then the remote is the peer of the payload's key and the chosen muxer one both offered, or
   * fails with a {@link SecurityHandshakeException}.
   */
  @FuzzTest(maxDuration = "2m")
  void noiseHandshakePayload(FuzzedDataProvider data) throws IOException {
    XXHandshakeState initiator = new XXHandshakeState(
        true, new byte[0], NOISE_INITIATOR_STATIC, null, MultiformatsFuzzTest.fixedRandom(4));
    NoiseHandshakePayload.Builder prefix = NoiseHandshakePayload.newBuilder();
    if (data.consumeBoolean()) {
      prefix.setIdentityKey(ByteString.copyFrom(NOISE_INITIATOR_KEY.publicKey().marshal()));
    }
    if (data.consumeBoolean()) {
      byte[] signed = concat(
          NoiseHandshake.STATIC_KEY_SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII),
          initiator.localStaticPublic());
      prefix.setIdentitySig(ByteString.copyFrom(NOISE_INITIATOR_KEY.sign(signed)));
    }
    int muxers = data.consumeInt(0, 3);
    if (muxers > 0) {
      NoiseExtensions.Builder extensions = NoiseExtensions.newBuilder();
      for (int i = 0; i < muxers; i++) {
        extensions.addStreamMuxers(data.consumeBoolean() ? YAMUX.value() : data.consumeString(40));
      }
      prefix.setExtensions(extensions);
    }
    byte[] payload = concat(prefix.build().toByteArray(), data.consumeRemainingAsBytes());

    ScriptedInitiator connection = new ScriptedInitiator(initiator, payload);
    SecureConnection secured;
    try {
      secured = new NoiseTransport(NOISE_RESPONDER_KEY, MultiformatsFuzzTest.fixedRandom(5))
          .secureInbound(connection, List.of(MPLEX, YAMUX));
    } catch (SecurityHandshakeException e) {
      assertThat(connection.closed).as("connection closed after a failed handshake").isTrue();
      return;
    }
    NoiseHandshakePayload sent = NoiseHandshakePayload.parseFrom(payload);
    PublicKey key = PublicKey.unmarshal(sent.getIdentityKey().toByteArray());
    assertThat(secured.remotePublicKey()).isEqualTo(key);
    assertThat(secured.remotePeer()).isEqualTo(PeerId.fromPublicKey(key));
    secured.earlyMuxer().ifPresent(m -> {
      assertThat(m).isIn(MPLEX, YAMUX);
      assertThat(sent.getExtensions().getStreamMuxersList()).contains(m.value());
    });
    secured.close();
  }

  /**
   * A raw connection whose remote is a Noise initiator: it sends message 1, reads the responder's
   * message 2 from what the responder wrote and answers with message 3 carrying {@code payload},
   * then ends. Single-threaded: each message is made when the responder reads for it.
   */
  private static final class ScriptedInitiator implements RawConnection {
    private final XXHandshakeState state;
    private final byte[] payload;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private boolean closed;
    private int step;
    private byte[] pending = new byte[0];
    private int pendingAt;

    ScriptedInitiator(XXHandshakeState state, byte[] payload) {
      this.state = state;
      this.payload = payload;
    }

    private final InputStream in = new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (pendingAt == pending.length && !next()) {
          return -1;
        }
        int n = Math.min(len, pending.length - pendingAt);
        System.arraycopy(pending, pendingAt, b, off, n);
        pendingAt += n;
        return n;
      }
    };

    /** Makes the next message; false once both are sent. */
    private boolean next() throws IOException {
      byte[] message;
      switch (step++) {
        case 0 -> message = state.writeMessage(new byte[0]);
        case 1 -> {
          byte[] sent = written.toByteArray();
          int length = (sent[0] & 0xff) << 8 | sent[1] & 0xff;
          assertThat(sent.length).isEqualTo(NoiseFrames.LENGTH_PREFIX + length);
          try {
            state.readMessage(sent, NoiseFrames.LENGTH_PREFIX, length);
          } catch (AEADBadTagException e) {
            throw new AssertionError("the responder's message 2 failed authentication", e);
          }
          message = state.writeMessage(payload);
        }
        default -> {
          return false;
        }
      }
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      NoiseFrames.writeHandshakeFrame(frame, message);
      pending = frame.toByteArray();
      pendingAt = 0;
      return true;
    }

    @Override
    public InputStream in() {
      return in;
    }

    @Override
    public OutputStream out() {
      return written;
    }

    @Override
    public Multiaddr localAddress() {
      return Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
    }

    @Override
    public Multiaddr remoteAddress() {
      return Multiaddr.parse("/ip4/127.0.0.1/tcp/4002");
    }

    @Override
    public boolean isInitiator() {
      return false;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final byte[] NOISE_TRANSPORT_KEY = HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  /**
   * Transport frames sealed by a {@link NoiseOutputStream} (the JDK's ChaCha20-Poly1305), with raw
   * bytes spliced in where the input says, read back by a {@link NoiseInputStream} in either form
   * with read sizes from the input. Until the first spliced byte the plaintext must come back
   * exactly; without splices the stream ends cleanly. A failure is a {@link
   * ProtocolViolationException}. A positive {@code available()} must be readable at once.
   */
  @FuzzTest(maxDuration = "2m")
  void noiseTransportFrames(FuzzedDataProvider data) throws IOException {
    String form = data.consumeBoolean() ? "split" : "jdk";
    int[] sizes = data.consumeInts(4);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    NoiseOutputStream out =
        new NoiseOutputStream(wire, CipherState.withKey(NOISE_TRANSPORT_KEY, "jdk"));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    boolean spliced = false;
    for (int ops = 0; ops < 16 && data.remainingBytes() > 0; ops++) {
      if (data.consumeBoolean()) {
        byte[] raw = data.consumeBytes(data.consumeInt(0, 40));
        wire.writeBytes(raw);
        spliced |= raw.length > 0;
      } else {
        byte[] chunk = data.consumeBytes(data.consumeInt(0, 4096));
        out.write(chunk);
        out.flush();
        if (!spliced) {
          expected.writeBytes(chunk);
        }
      }
    }
    byte[] frames = wire.toByteArray();
    byte[] want = expected.toByteArray();

    int[] failures = new int[1];
    NoiseInputStream in = new NoiseInputStream(
        new ByteArrayInputStream(frames), CipherState.withKey(NOISE_TRANSPORT_KEY, form),
        () -> failures[0]++);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[70_000];
    ProtocolViolationException failure = null;
    try {
      for (int i = 0; ; i++) {
        int size = sizes.length == 0 ? 1000 : Math.floorMod(sizes[i % sizes.length], 66_000);
        int n;
        if (size == 0) {
          int b = in.read();
          if (b >= 0) {
            got.write(b);
          }
          n = b < 0 ? -1 : 1;
        } else if (size == 1) {
          int available = in.available();
          n = in.read(buf, 0, Math.max(available, 1));
          if (available > 0) {
            assertThat(n).as("read after available() = %d", available).isEqualTo(available);
          }
        } else {
          n = in.read(buf, 0, size);
          assertThat(n).isNotZero();
        }
        if (n < 0) {
          break;
        }
        if (size != 0) {
          got.write(buf, 0, n);
        }
      }
    } catch (ProtocolViolationException e) {
      failure = e;
    }
    byte[] read = got.toByteArray();
    if (!spliced) {
      assertThat(failure).as("failure of an intact stream").isNull();
      assertThat(read).isEqualTo(want);
      assertThat(in.read()).isEqualTo(-1);
    } else {
      assertThat(Arrays.copyOf(read, Math.min(read.length, want.length)))
          .isEqualTo(Arrays.copyOf(want, Math.min(read.length, want.length)));
      assertThat(read.length).isGreaterThanOrEqualTo(failure != null ? want.length : 0);
    }
    if (failure != null) {
      ProtocolViolationException first = failure;
      assertThat(failures[0]).isEqualTo(1);
      assertThatThrownBy(() -> in.read()).isSameAs(first);
    } else {
      assertThat(failures[0]).isZero();
    }
  }

  // ---- plaintext ----

  /** The local side of the plaintext handshakes. */
  private static final PlaintextTransport PLAINTEXT = new PlaintextTransport(NOISE_RESPONDER_KEY);

  /**
   * A plaintext handshake whose remote sends the input's bytes (a length-prefixed Exchange message,
   * then whatever follows) and ends its stream; run as responder, or as initiator that expects the
   * peer of one of {@link #SIGNERS}. It succeeds exactly when the bytes start with a well-formed
   * Exchange whose id is that of its key (and the expected peer): then the remote is that peer with
   * that key and the connection reads on with the bytes after the message. Otherwise it fails with
   * a {@link PeerIdMismatchException} if only the expected peer is wrong, else with a {@link
   * SecurityHandshakeException} or, for a malformed or oversized length prefix, a {@link
   * ProtocolViolationException}; the connection is then closed.
   */
  @FuzzTest(maxDuration = "2m")
  void plaintextExchange(FuzzedDataProvider data) throws IOException {
    int signer = data.consumeInt(0, SIGNERS.length) - 1; // -1: responder
    byte[] wire = data.consumeRemainingAsBytes();
    PeerId expected = signer < 0 ? null : PeerId.fromPublicKey(SIGNERS[signer].publicKey());
    PlaintextOutcome want = PlaintextOutcome.of(wire, expected);
    MuxSessionFuzzTest.ScriptedRemote connection =
        MuxSessionFuzzTest.ScriptedRemote.sending(wire, expected != null);
    SecureConnection secured;
    try {
      secured = expected == null
          ? PLAINTEXT.secureInbound(connection, List.of(YAMUX))
          : PLAINTEXT.secureOutbound(connection, expected, List.of(YAMUX));
    } catch (SecurityHandshakeException | ProtocolViolationException e) {
      assertThat(want.key() == null || want.mismatch())
          .as("a valid exchange failed: %s", e).isTrue();
      assertThat(e instanceof PeerIdMismatchException)
          .as("mismatch: %s", e).isEqualTo(want.mismatch());
      if (e instanceof ProtocolViolationException) {
        assertThat(want.badPrefix()).as("a good length prefix failed: %s", e).isTrue();
      }
      assertThat(connection.isClosed()).as("connection closed after a failed handshake").isTrue();
      return;
    }
    assertThat(want.key()).as("accepted an invalid exchange").isNotNull();
    assertThat(want.mismatch()).as("accepted an unexpected peer").isFalse();
    assertThat(secured.remotePublicKey()).isEqualTo(want.key());
    assertThat(secured.remotePeer()).isEqualTo(PeerId.fromPublicKey(want.key()));
    if (expected != null) {
      assertThat(secured.remotePeer()).isEqualTo(expected);
    }
    assertThat(secured.localPeer()).isEqualTo(PLAINTEXT.localPeer());
    assertThat(secured.securityProtocol()).isEqualTo(PlaintextTransport.PROTOCOL_ID);
    assertThat(secured.earlyMuxer()).isEmpty();
    assertThat(connection.isClosed()).isFalse();
    assertThat(secured.in().readAllBytes())
        .isEqualTo(Arrays.copyOfRange(wire, want.end(), wire.length));
    secured.close();
    assertThat(connection.isClosed()).isTrue();
  }

  /**
   * What a plaintext handshake must make of the remote's bytes, decoded from the byte array: the
   * remote's key and where its message ends, or null when they are not a valid exchange; whether
   * the length prefix is what is wrong; whether the peer is valid but not the expected one.
   */
  private record PlaintextOutcome(PublicKey key, int end, boolean badPrefix, boolean mismatch) {
    private static final PlaintextOutcome INVALID = new PlaintextOutcome(null, 0, false, false);
    private static final PlaintextOutcome BAD_PREFIX = new PlaintextOutcome(null, 0, true, false);

    static PlaintextOutcome of(byte[] wire, PeerId expected) {
      Varint.Decoded prefix;
      try {
        prefix = Varint.decode(wire, 0, wire.length);
      } catch (IllegalArgumentException e) {
        return BAD_PREFIX;
      }
      if (prefix.value() > PlaintextTransport.MAX_EXCHANGE_LENGTH) {
        return BAD_PREFIX;
      }
      int end = prefix.length() + (int) prefix.value();
      if (end > wire.length) {
        return INVALID;
      }
      try {
        Exchange m = Exchange.parseFrom(Arrays.copyOfRange(wire, prefix.length(), end));
        if (!m.hasId() || !m.hasPubkey()) {
          return INVALID;
        }
        PublicKey key = PublicKey.unmarshal(m.getPubkey().toByteArray());
        PeerId id = PeerId.fromBytes(m.getId().toByteArray());
        if (!id.matches(key)) {
          return INVALID;
        }
        return new PlaintextOutcome(key, end, false, expected != null && !expected.equals(id));
      } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
        return INVALID;
      }
    }
  }

  // ---- TLS ----

  /** The identity of the TLS server: the local side as responder, the recorded remote otherwise. */
  private static final PrivateKey TLS_SERVER_KEY =
      PrivateKey.generate(KeyType.ED25519, MultiformatsFuzzTest.fixedRandom(10));
  /** The identity of the TLS client: the local side as initiator, the recorded remote otherwise. */
  private static final PrivateKey TLS_CLIENT_KEY =
      PrivateKey.generate(KeyType.SECP256K1, MultiformatsFuzzTest.fixedRandom(11));
  /** The clock of both TLS sides, for the recording and for every input. */
  private static final InstantSource TLS_CLOCK = InstantSource.fixed(MultiformatsFuzzTest.NOW);

  /**
   * The TLS client or server, made anew for each input with the same certificate and TLS
   * randomness (client or server random, key shares) every time: it sends what it sent when the
   * seeds were recorded, so a recorded flight of its peer stays valid up to the first message
   * that covers a signature of ours (ECDSA signatures take the JDK's own randomness).
   */
  private static TlsTransport tlsTransport(boolean initiator) {
    return initiator
        ? new TlsTransport(TLS_CLIENT_KEY, MultiformatsFuzzTest.fixedRandom(13), TLS_CLOCK)
        : new TlsTransport(TLS_SERVER_KEY, MultiformatsFuzzTest.fixedRandom(12), TLS_CLOCK);
  }

  /** Largest TLS record fragment on the wire: 2^14 plus the most a protected record adds. */
  private static final int MAX_TLS_FRAGMENT = (1 << 14) + 256;

  /**
   * A TLS handshake whose remote sends the input's bytes and ends its stream; run as responder
   * (the remote plays a client), or as initiator expecting the recorded server's peer or another
   * one. Every input must end in one of two ways, with nothing else thrown and without blocking:
   * the handshake fails with a {@link SecurityHandshakeException} (a {@link
   * PeerIdMismatchException} only for the other expected peer), the connection closed; or it
   * succeeds, which only a peer holding its recorded keys can make happen: then the remote is
   * the recorded peer (and the expected one), the connection reads to its end or fails with a
   * {@link ProtocolViolationException}, and closing it closes the raw connection. What the local
   * side wrote must be whole TLS records; the work of one input is bounded by what it allocates.
   */
  @FuzzTest(maxDuration = "2m")
  void tlsHandshake(FuzzedDataProvider data) throws IOException {
    int role = data.consumeInt(0, 2); // 0: responder, 1: initiator, 2: initiator expecting another
    byte[] wire = data.consumeRemainingAsBytes();
    long bound = MAX_TLS_HANDSHAKE_ALLOCATION + 16L * wire.length;
    long allocated = tlsHandshake(role, wire);
    if (allocated >= bound) {
      allocated = tlsHandshake(role, wire); // the first handshakes load and initialize classes
    }
    assertThat(allocated).as("bytes allocated for %d bytes of input", wire.length).isLessThan(bound);
  }

  /**
   * What one TLS handshake may allocate besides 16 bytes per input byte, once its classes are
   * loaded: several times the most the seeds take (about 1.2 MB).
   */
  private static final long MAX_TLS_HANDSHAKE_ALLOCATION = 8L * 1024 * 1024;

  /**
   * Runs and checks one handshake of {@link #tlsHandshake(FuzzedDataProvider)}; returns the bytes
   * the current thread allocated for it.
   */
  private static long tlsHandshake(int role, byte[] wire) throws IOException {
    boolean initiator = role > 0;
    PeerId recorded =
        PeerId.fromPublicKey((initiator ? TLS_SERVER_KEY : TLS_CLIENT_KEY).publicKey());
    PeerId expected =
        role == 2 ? PeerId.fromPublicKey(NOISE_RESPONDER_KEY.publicKey()) : recorded;
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    MuxSessionFuzzTest.ScriptedRemote connection =
        MuxSessionFuzzTest.ScriptedRemote.sending(wire, initiator, written);
    long allocatedBefore = allocatedBytes();
    TlsTransport local = tlsTransport(initiator);
    List<ProtocolId> muxers = initiator ? List.of(YAMUX) : List.of(MPLEX, YAMUX);
    SecureConnection secured = null;
    try {
      secured = initiator
          ? local.secureOutbound(connection, expected, muxers)
          : local.secureInbound(connection, muxers);
    } catch (SecurityHandshakeException e) {
      if (e instanceof PeerIdMismatchException) {
        assertThat(role).as("mismatch with the expected peer: %s", e).isEqualTo(2);
      }
      assertThat(connection.isClosed()).as("connection closed after a failed handshake").isTrue();
    }
    if (secured != null) {
      assertThat(role).as("accepted an unexpected peer").isNotEqualTo(2);
      assertThat(secured.remotePeer()).isEqualTo(recorded);
      assertThat(secured.localPeer()).isEqualTo(local.localPeer());
      assertThat(secured.securityProtocol()).isEqualTo(TlsTransport.PROTOCOL_ID);
      secured.earlyMuxer().ifPresent(m -> assertThat(muxers).contains(m));
      assertThat(connection.isClosed()).isFalse();
      try {
        secured.in().readAllBytes();
      } catch (ProtocolViolationException e) {
        assertThat(connection.isClosed()).as("connection closed after a read failure").isTrue();
      }
      secured.close();
      assertThat(connection.isClosed()).isTrue();
    }
    long allocated = allocatedBytes() - allocatedBefore;
    checkTlsRecords(written.toByteArray());
    return allocated;
  }

  /**
   * Checks that {@code w} is a sequence of whole TLS records: a 5-byte header (content type
   * change_cipher_spec, alert, handshake or application_data, legacy version 0x0301 or 0x0303, a
   * length of at most {@link #MAX_TLS_FRAGMENT}), then that many bytes.
   */
  private static void checkTlsRecords(byte[] w) {
    int off = 0;
    while (off < w.length) {
      assertThat(w.length - off).as("record header at %d", off).isGreaterThanOrEqualTo(5);
      int type = w[off] & 0xff;
      int version = (w[off + 1] & 0xff) << 8 | w[off + 2] & 0xff;
      int length = (w[off + 3] & 0xff) << 8 | w[off + 4] & 0xff;
      assertThat(type).as("content type of the record at %d", off).isBetween(20, 23);
      assertThat(version).as("legacy version of the record at %d", off).isIn(0x0301, 0x0303);
      assertThat(length).as("length of the record at %d", off).isLessThanOrEqualTo(MAX_TLS_FRAGMENT);
      off += 5 + length;
    }
    assertThat(off).as("the last record is whole").isEqualTo(w.length);
  }

  /** Bytes the current thread has allocated so far. */
  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  // ---- identify and records ----

  /**
   * Reads one identify message. What decodes, written and read again, gives the same fields
   * (entries that were skipped as malformed are then absent).
   */
  @FuzzTest(maxDuration = "2m")
  void identifyMessage(@NotNull byte[] wire) throws IOException {
    IdentifyMessage m;
    try {
      m = IdentifyMessage.readFrom(new ByteArrayInputStream(wire));
    } catch (ProtocolViolationException | EOFException e) {
      return;
    }
    assertThat(m.listenAddresses()).hasSizeLessThanOrEqualTo(IdentifyMessage.MAX_ENTRIES);
    assertThat(m.protocols()).hasSizeLessThanOrEqualTo(IdentifyMessage.MAX_ENTRIES);
    if (wire.length > IdentifyMessage.MAX_MESSAGE_SIZE / 4) {
      return; // strings with malformed UTF-8 may grow threefold when written again
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    IdentifyMessage again = IdentifyMessage.readFrom(new ByteArrayInputStream(out.toByteArray()));
    assertThat(again.listenAddresses()).isEqualTo(m.listenAddresses());
    assertThat(again.protocols()).isEqualTo(m.protocols());
    assertThat(again.observedAddress()).isEqualTo(m.observedAddress());
    assertThat(again.protocolVersion()).isEqualTo(m.protocolVersion());
    assertThat(again.agentVersion()).isEqualTo(m.agentVersion());
    assertThat(hex(again.publicKey())).isEqualTo(hex(m.publicKey()));
    assertThat(hex(again.signedPeerRecord())).isEqualTo(hex(m.signedPeerRecord()));
    assertThat(again.hasListenAddresses()).isEqualTo(!m.listenAddresses().isEmpty());
    assertThat(again.hasProtocols()).isEqualTo(!m.protocols().isEmpty());
  }

  /** Decodes a peer record (unsigned); what decodes encodes to a record that decodes equal. */
  @FuzzTest(maxDuration = "2m")
  void peerRecord(@NotNull byte[] bytes) {
    PeerRecord r;
    try {
      r = PeerRecord.decode(bytes);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(r.addresses()).hasSizeLessThanOrEqualTo(PeerRecord.MAX_ADDRESSES);
    assertThat(PeerRecord.decode(r.encode())).isEqualTo(r);
  }

  private static final PrivateKey[] SIGNERS = {
      PrivateKey.generate(KeyType.ED25519, MultiformatsFuzzTest.fixedRandom(6)),
      PrivateKey.generate(KeyType.SECP256K1, MultiformatsFuzzTest.fixedRandom(7)),
      PrivateKey.generate(KeyType.ECDSA, MultiformatsFuzzTest.fixedRandom(8)),
      PrivateKey.generate(KeyType.RSA, MultiformatsFuzzTest.fixedRandom(9)),
  };

  /**
   * Opens a signed peer record envelope: the input's bytes, or an envelope the test seals (with a
   * record prefix and payload from the input) followed by the input's bytes, which protobuf merges
   * into it. Bad input is an {@link IllegalArgumentException}; a sealed envelope with nothing after
   * it opens; what opens keeps its exact bytes and agrees with {@link PeerRecord#open}.
   */
  @FuzzTest(maxDuration = "2m")
  void signedPeerRecord(FuzzedDataProvider data) {
    byte[] wire;
    Envelope sealed = null;
    if (data.consumeBoolean()) {
      PrivateKey signer = SIGNERS[data.consumeInt(0, SIGNERS.length - 1)];
      byte[] type = data.consumeBoolean()
          ? PeerRecord.payloadType() : data.consumeBytes(data.consumeInt(1, 4));
      if (type.length == 0) {
        type = new byte[] {0};
      }
      byte[] payload = data.consumeBoolean()
          ? new PeerRecord(PeerId.fromPublicKey(signer.publicKey()), data.consumeLong(), List.of())
              .encode()
          : new byte[0];
      payload = concat(payload, data.consumeBytes(data.consumeInt(0, 600)));
      sealed = Envelope.seal(signer, PeerRecord.DOMAIN, type, payload);
      wire = concat(sealed.toBytes(), data.consumeRemainingAsBytes());
    } else {
      wire = data.consumeRemainingAsBytes();
    }
    Envelope envelope;
    try {
      envelope = Envelope.open(wire, PeerRecord.DOMAIN);
    } catch (IllegalArgumentException e) {
      assertThat(sealed != null && wire.length == sealed.toBytes().length)
          .as("a sealed envelope failed to open: %s", e.getMessage()).isFalse();
      assertThatThrownBy(() -> PeerRecord.open(wire)).isInstanceOf(IllegalArgumentException.class);
      return;
    }
    assertThat(envelope.toBytes()).isEqualTo(wire);
    if (sealed != null && wire.length == sealed.toBytes().length) {
      assertThat(envelope).isEqualTo(sealed);
    }
    PeerRecord record;
    try {
      record = PeerRecord.fromEnvelope(envelope);
    } catch (IllegalArgumentException e) {
      assertThatThrownBy(() -> PeerRecord.open(wire)).isInstanceOf(IllegalArgumentException.class);
      return;
    }
    assertThat(record.peerId().matches(envelope.publicKey())).isTrue();
    assertThat(PeerRecord.open(wire)).isEqualTo(record);
  }

  // ---- WebSocket ----

  private static final String WS_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  /**
   * Reads an HTTP head through a {@link WsInput} with the input's limit and buffer, parses it and
   * checks it both as a client's request and as a server's answer. Failures are {@link
   * ProtocolViolationException}s (a refusal carries 400, 405 or 426) or an {@link EOFException};
   * a head that is read is a prefix of the input of at most the limit, ending at its first blank
   * line.
   */
  @FuzzTest(maxDuration = "2m")
  void webSocketHead(FuzzedDataProvider data) throws IOException {
    int bufferSize = data.consumeInt(WsInput.MIN_BUFFER_SIZE, 4096);
    int maxBytes = data.consumeInt(WsInput.MIN_BUFFER_SIZE, bufferSize);
    boolean server = data.consumeBoolean();
    byte[] wire = data.consumeRemainingAsBytes();
    WsInput in = new WsInput(new ByteArrayInputStream(wire), server, 1 << 20, bufferSize, IGNORING);
    String head;
    try {
      head = in.readHttpHead(maxBytes, () -> {});
    } catch (ProtocolViolationException | EOFException e) {
      return;
    }
    assertThat(head.length()).isLessThanOrEqualTo(maxBytes);
    assertThat(head.getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo(Arrays.copyOf(wire, head.length()));
    assertThat(head.indexOf("\r\n\r\n")).isEqualTo(head.length() - 4);

    WsHandshake.Head h;
    try {
      h = WsHandshake.parse(head);
    } catch (WsHandshake.Refused e) {
      assertThat(e.status()).isEqualTo(400);
      return;
    }
    assertThat(h.startLine()).isNotEmpty();
    assertThat(h.headers()).hasSizeLessThanOrEqualTo(WsHandshake.MAX_HEADER_LINES);
    for (String name : h.headers().keySet()) {
      assertThat(name).isNotEmpty().isEqualTo(name.trim().toLowerCase(Locale.ROOT));
    }
    try {
      String key = WsHandshake.checkRequest(h);
      assertThat(Base64.getDecoder().decode(key)).hasSize(16);
    } catch (WsHandshake.Refused e) {
      assertThat(e.status()).isIn(400, 405, 426);
    }
    try {
      WsHandshake.checkResponse(h, WS_KEY);
    } catch (ProtocolViolationException e) {
      return;
    }
    assertThat(h.headers().get("sec-websocket-accept")).isEqualTo(WsHandshake.accept(WS_KEY));
  }

  private static final WsInput.Peer IGNORING = new WsInput.Peer() {
    @Override
    public void onPing(byte[] payload, int len) {}

    @Override
    public void onClose(int code) {}

    @Override
    public void onViolation(int closeCode, String message) {}
  };

  /**
   * Reads the payload of WebSocket frames through a {@link WsInput} (server or client side, fixed
   * or pooled buffer, read sizes from the input) and compares everything with a plain reference
   * decoder of RFC 6455 as {@link WsInput} documents it: the payload bytes, the pings answered,
   * the close code, and how the stream ends (cleanly, by a close frame, by a {@link
   * ProtocolViolationException} with its close status, or by an {@link EOFException}).
   */
  @FuzzTest(maxDuration = "2m")
  void webSocketFrames(FuzzedDataProvider data) throws IOException {
    boolean server = data.consumeBoolean();
    long maxFramePayload = data.consumeBoolean()
        ? data.consumeLong(1, 1 << 16) : data.consumeLong(1, Long.MAX_VALUE);
    boolean pooled = data.consumeBoolean();
    int bufferSize = data.consumeInt(WsInput.MIN_BUFFER_SIZE, 1024);
    int[] sizes = data.consumeInts(4);
    byte[] wire = data.consumeRemainingAsBytes();

    WsReference want = WsReference.decode(wire, server, maxFramePayload);
    RecordingPeer peer = new RecordingPeer();
    ByteArrayInputStream source = new ByteArrayInputStream(wire);
    WsInput in = pooled
        ? new WsInput(source, server, maxFramePayload, WS_BUFFERS, peer)
        : new WsInput(source, server, maxFramePayload, bufferSize, peer);
    readWebSocket(in, i -> sizes.length == 0
        ? 1000 : Math.floorMod(sizes[i % sizes.length], WS_READ_BUFFER + 1), want);
    assertThat(peer.pings).isEqualTo(want.pings);
    assertThat(peer.closeCode).isEqualTo(want.closeCode);
    assertThat(peer.violations)
        .isEqualTo(want.violationCode == 0 ? List.of() : List.of(want.violationCode));
  }

  /** The largest read {@link #readWebSocket} makes. */
  private static final int WS_READ_BUFFER = 2048;

  /**
   * Reads {@code in} to its end, read {@code i} asking for {@code size.applyAsInt(i)} bytes (0: one
   * {@code read()}; at most {@link #WS_READ_BUFFER}), and checks it against {@code want}: exactly
   * its payload, then -1 again after a clean end or a close frame, else the exception its end
   * calls for, thrown again by the next read.
   */
  private static void readWebSocket(InputStream in, IntUnaryOperator size, WsReference want)
      throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[WS_READ_BUFFER];
    IOException failure = null;
    try {
      for (int i = 0; ; i++) {
        int len = size.applyAsInt(i);
        if (len == 0) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          got.write(b);
        } else {
          int n = in.read(buf, 0, len);
          if (n < 0) {
            break;
          }
          assertThat(n).isPositive();
          got.write(buf, 0, n);
        }
      }
    } catch (ProtocolViolationException | EOFException e) {
      failure = e;
    }
    assertThat(got.toByteArray()).isEqualTo(want.payload.toByteArray());
    switch (want.end) {
      case CLEAN, CLOSED -> {
        assertThat(failure).as("failure").isNull();
        assertThat(in.read()).isEqualTo(-1);
      }
      case VIOLATION -> assertThat(failure).isInstanceOf(ProtocolViolationException.class);
      case TRUNCATED -> assertThat(failure).isInstanceOf(EOFException.class);
    }
    if (failure != null) {
      IOException first = failure;
      assertThatThrownBy(() -> in.read()).isSameAs(first);
    }
  }

  private static final class RecordingPeer implements WsInput.Peer {
    final List<String> pings = new ArrayList<>();
    int closeCode = Integer.MIN_VALUE;
    final List<Integer> violations = new ArrayList<>();

    @Override
    public void onPing(byte[] payload, int len) {
      pings.add(HexFormat.of().formatHex(payload, 0, len));
    }

    @Override
    public void onClose(int code) {
      closeCode = code;
    }

    @Override
    public void onViolation(int closeCode, String message) {
      violations.add(closeCode);
    }
  }

  /**
   * A whole WebSocket connection as a server: the hostile client's bytes (its HTTP upgrade request,
   * then frames) come from the input and then its stream ends. See {@link #webSocketConnection}.
   */
  @FuzzTest(maxDuration = "2m")
  void webSocketServerConnection(FuzzedDataProvider data) throws IOException {
    webSocketConnection(data, true);
  }

  /**
   * A whole WebSocket connection as a client: the hostile server's bytes (its HTTP answer, then
   * frames) come from the input and then its stream ends. See {@link #webSocketConnection}.
   */
  @FuzzTest(maxDuration = "2m")
  void webSocketClientConnection(FuzzedDataProvider data) throws IOException {
    webSocketConnection(data, false);
  }

  private static final long WS_SEED = 1;
  private static final Multiaddr WS_LOCAL = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/ws");
  private static final Multiaddr WS_REMOTE = Multiaddr.parse("/ip4/127.0.0.1/tcp/4002/ws");

  /**
   * Runs {@link WsConnection#accept} (server) or {@link WsConnection#dial} (client, its keys from a
   * fixed seed) over a {@link ScriptedSocket} with the input's limits and buffers; if the opening
   * handshake succeeds, the local side writes the input's number of bytes, reads the connection's
   * stream to its end with the input's read size and, as the input chooses, closes it.
   *
   * <p>Every input must end in one of these ways. The handshake fails as the reference reading of
   * the head says ({@link #webSocketHttpHead} and {@link WsHandshake}): an {@link EOFException} if
   * the stream ends first, a {@link ProtocolViolationException} for a head too long, and for one
   * that {@link WsHandshake} refuses the same exception, a server answering a {@link
   * WsHandshake.Refused} with exactly {@link WsHandshake#refusal} of its status; the socket is then
   * closed, and nothing else was written but the client's request. Or the handshake succeeds, the
   * server having written exactly {@link WsHandshake#response} and the client {@link
   * WsHandshake#request} with its key; then the reads return exactly the payload that {@link
   * WsReference} decodes from the bytes after the head, and end as it says: -1 after a clean end
   * or a close frame, an {@link EOFException} for a truncated frame, a {@link
   * ProtocolViolationException} for a violation (after which the connection is closed and later
   * reads throw the same exception). After the handshake the local side has written only frames
   * with FIN set, masked exactly when it is the client: its data in binary frames of at most the
   * frame size, a pong echoing each ping the reference saw, in order, then a close frame with the
   * violation's status, or status 1000 when the local side closes, and nothing after it.
   */
  private static void webSocketConnection(FuzzedDataProvider data, boolean server)
      throws IOException {
    long maxFramePayload = data.consumeBoolean() ? data.consumeLong(1, 1 << 16) : Long.MAX_VALUE;
    int readBuffer = data.consumeInt(WsInput.MIN_BUFFER_SIZE, 1024);
    int maxHead = data.consumeInt(16, 1024);
    int frameSize = data.consumeInt(1, 64);
    int readSize = data.consumeInt(0, 1024);
    int writeLength = data.consumeInt(0, 255);
    boolean close = data.consumeBoolean();
    byte[] wire = data.consumeRemainingAsBytes();

    WsConnection.Settings settings = new WsConnection.Settings(maxFramePayload, maxHead,
        TimeUnit.HOURS.toNanos(1), new BufferPool(readBuffer, 2), WsOutput.framePool(frameSize, 1));
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    ScriptedSocket socket = new ScriptedSocket(wire, written);
    WsAddress target = WsAddress.parse(WS_REMOTE);
    byte[] keyBytes = new byte[16];
    new SplittableRandom(WS_SEED).nextBytes(keyBytes);
    String key = WsHandshake.newKey(keyBytes);
    byte[] request = WsHandshake.request(target.hostHeader(), "/", key);

    int headLength = webSocketHttpHead(wire, Math.min(maxHead, readBuffer));
    ProtocolViolationException refused = null;
    byte[] hello = server ? new byte[0] : request;
    if (headLength > 0) {
      try {
        WsHandshake.Head h =
            WsHandshake.parse(new String(wire, 0, headLength, StandardCharsets.ISO_8859_1));
        if (server) {
          hello = WsHandshake.response(WsHandshake.checkRequest(h));
        } else {
          WsHandshake.checkResponse(h, key);
        }
      } catch (ProtocolViolationException e) {
        refused = e;
        if (e instanceof WsHandshake.Refused r && server) {
          hello = WsHandshake.refusal(r.status());
        }
      }
    }
    WsConnection c;
    try {
      c = server
          ? WsConnection.accept(socket, WS_LOCAL, WS_REMOTE, settings, new SplittableRandom(WS_SEED))
          : WsConnection.dial(socket, target, WS_LOCAL, WS_REMOTE, settings,
              new SplittableRandom(WS_SEED), System.nanoTime() + TimeUnit.HOURS.toNanos(1));
    } catch (ProtocolViolationException | EOFException e) {
      if (headLength == HEAD_CUT_SHORT) {
        assertThat(e).isInstanceOf(EOFException.class);
      } else if (headLength == HEAD_TOO_LONG) {
        assertThat(e).isExactlyInstanceOf(ProtocolViolationException.class)
            .hasMessageContaining("longer than");
      } else {
        assertThat(refused).as("refusal").isNotNull();
        assertThat(e).isExactlyInstanceOf(refused.getClass()).hasMessage(refused.getMessage());
      }
      assertThat(written.toByteArray()).isEqualTo(hello);
      assertThat(socket.isClosed()).isTrue();
      return;
    }
    assertThat(headLength).isPositive();
    assertThat(refused).as("refusal").isNull();
    assertThat(written.toByteArray()).isEqualTo(hello);

    byte[] sent = new byte[writeLength];
    for (int i = 0; i < sent.length; i++) {
      sent[i] = (byte) (i * 31 + 7);
    }
    c.out().write(sent);
    c.out().flush();

    WsReference want =
        WsReference.decode(Arrays.copyOfRange(wire, headLength, wire.length), server, maxFramePayload);
    readWebSocket(c.in(), i -> readSize, want);
    assertThat(c.isClosed()).isEqualTo(want.end == WsReference.End.VIOLATION);
    if (close) {
      c.close();
    }
    assertThat(socket.isClosed()).isEqualTo(close || want.end == WsReference.End.VIOLATION);

    List<String> frames = new ArrayList<>();
    for (int off = 0; off < writeLength; off += frameSize) {
      frames.add(WsFrames.OP_BINARY + ":" + HexFormat.of()
          .formatHex(sent, off, Math.min(writeLength, off + frameSize)));
    }
    for (String ping : want.pings) {
      frames.add(WsFrames.OP_PONG + ":" + ping);
    }
    if (want.end == WsReference.End.VIOLATION) {
      frames.add(WsFrames.OP_CLOSE + ":" + want.violationCode);
    } else if (close) {
      frames.add(WsFrames.OP_CLOSE + ":" + WsFrames.CLOSE_NORMAL);
    }
    byte[] all = written.toByteArray();
    assertThat(sentFrames(Arrays.copyOfRange(all, hello.length, all.length), !server))
        .isEqualTo(frames);
  }

  /** {@link #webSocketHttpHead}: the stream ends before the blank line. */
  private static final int HEAD_CUT_SHORT = -1;
  /** {@link #webSocketHttpHead}: no blank line within the limit. */
  private static final int HEAD_TOO_LONG = -2;

  /**
   * The length of the HTTP head at the start of {@code wire} (up to and including its first blank
   * line, within {@code max} bytes), or {@link #HEAD_CUT_SHORT} or {@link #HEAD_TOO_LONG}.
   */
  private static int webSocketHttpHead(byte[] wire, int max) {
    byte[] blank = {'\r', '\n', '\r', '\n'};
    for (int end = blank.length; end <= Math.min(max, wire.length); end++) {
      if (Arrays.equals(wire, end - blank.length, end, blank, 0, blank.length)) {
        return end;
      }
    }
    return wire.length >= max ? HEAD_TOO_LONG : HEAD_CUT_SHORT;
  }

  /**
   * The frames in {@code w}, each as its opcode, a colon and its payload in hex (a close frame: its
   * status in decimal), checking that each has FIN set, no reserved bits, a mask exactly when
   * {@code masked}, a control payload of at most 125 bytes and nothing after a close frame.
   */
  private static List<String> sentFrames(byte[] w, boolean masked) {
    List<String> frames = new ArrayList<>();
    int p = 0;
    while (p < w.length) {
      assertThat(frames).as("frames before").noneMatch(f -> f.startsWith(WsFrames.OP_CLOSE + ":"));
      assertThat(w.length - p).as("frame header").isGreaterThanOrEqualTo(2);
      int b0 = w[p] & 0xff;
      int b1 = w[p + 1] & 0xff;
      assertThat(b0 & 0xf0).as("FIN and reserved bits").isEqualTo(0x80);
      assertThat((b1 & 0x80) != 0).as("masked").isEqualTo(masked);
      int len7 = b1 & 0x7f;
      int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
      int header = 2 + extended + (masked ? 4 : 0);
      assertThat(w.length - p).as("frame header").isGreaterThanOrEqualTo(header);
      long length = len7 < 126 ? len7 : 0;
      for (int i = 0; i < extended; i++) {
        length = length << 8 | (w[p + 2 + i] & 0xff);
      }
      assertThat((long) w.length - p - header).as("frame").isGreaterThanOrEqualTo(length);
      byte[] body = Arrays.copyOfRange(w, p + header, p + header + (int) length);
      for (int i = 0; masked && i < body.length; i++) {
        body[i] ^= w[p + 2 + extended + i % 4];
      }
      p += header + (int) length;
      int opcode = b0 & 0x0f;
      if (WsFrames.isControl(opcode)) {
        assertThat(body.length).isLessThanOrEqualTo(WsFrames.MAX_CONTROL_PAYLOAD);
      }
      if (opcode == WsFrames.OP_CLOSE) {
        assertThat(body.length).isGreaterThanOrEqualTo(2);
        frames.add(opcode + ":" + ((body[0] & 0xff) << 8 | body[1] & 0xff));
      } else {
        frames.add(opcode + ":" + HexFormat.of().formatHex(body));
      }
    }
    return frames;
  }

  /**
   * A {@link Socket} over a {@link MuxSessionFuzzTest.ScriptedRemote} whose remote sends {@code
   * wire} and ends its stream, the local side's writes going to {@code sink}: the streams, the read
   * timeout (ignored: no read blocks) and closing are all a {@link WsConnection} uses of it.
   */
  private static final class ScriptedSocket extends Socket {
    private final MuxSessionFuzzTest.ScriptedRemote remote;

    ScriptedSocket(byte[] wire, OutputStream sink) throws SocketException {
      super((SocketImpl) null);
      this.remote = MuxSessionFuzzTest.ScriptedRemote.sending(wire, false, sink);
    }

    @Override
    public InputStream getInputStream() {
      return remote.in();
    }

    @Override
    public OutputStream getOutputStream() {
      return remote.out();
    }

    @Override
    public void setSoTimeout(int timeout) {}

    @Override
    public void close() {
      remote.close();
    }

    @Override
    public boolean isClosed() {
      return remote.isClosed();
    }
  }

  /** A byte-at-a-time decoder of a whole WebSocket stream, the reference for {@link WsInput}. */
  private static final class WsReference {
    enum End { CLEAN, CLOSED, VIOLATION, TRUNCATED }

    final ByteArrayOutputStream payload = new ByteArrayOutputStream();
    final List<String> pings = new ArrayList<>();
    int closeCode = Integer.MIN_VALUE;
    int violationCode;
    End end;

    private WsReference end(End e) {
      end = e;
      return this;
    }

    private WsReference violation(int code) {
      violationCode = code;
      return end(End.VIOLATION);
    }

    static WsReference decode(byte[] w, boolean expectMasked, long maxFramePayload) {
      WsReference r = new WsReference();
      int p = 0;
      boolean inMessage = false;
      while (true) {
        if (p == w.length) {
          return r.end(End.CLEAN);
        }
        if (w.length - p < 2) {
          return r.end(End.TRUNCATED);
        }
        int b0 = w[p] & 0xff;
        int b1 = w[p + 1] & 0xff;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0f;
        boolean masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7f;
        if ((b0 & 0x70) != 0) {
          return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
        }
        if (opcode == WsFrames.OP_TEXT) {
          return r.violation(WsFrames.CLOSE_UNSUPPORTED_DATA);
        }
        if (opcode != 0 && opcode != 2 && opcode != 8 && opcode != 9 && opcode != 10) {
          return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
        }
        if (masked != expectMasked) {
          return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
        }
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        int header = 2 + extended + (masked ? 4 : 0);
        if (w.length - p < header) {
          return r.end(End.TRUNCATED);
        }
        long length = len7 < 126 ? len7 : 0;
        for (int i = 0; i < extended; i++) {
          length = length << 8 | (w[p + 2 + i] & 0xff);
        }
        if (length < 0) {
          return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
        }
        byte[] key = masked ? Arrays.copyOfRange(w, p + 2 + extended, p + header) : new byte[4];
        p += header;
        boolean control = opcode >= 8;
        if (control && (!fin || length > WsFrames.MAX_CONTROL_PAYLOAD)) {
          return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
        }
        if (!control) {
          if (length > maxFramePayload) {
            return r.violation(WsFrames.CLOSE_TOO_BIG);
          }
          if (opcode == WsFrames.OP_CONTINUATION ? !inMessage : inMessage) {
            return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
          }
          inMessage = !fin;
        }
        int available = (int) Math.min(length, w.length - p);
        byte[] body = new byte[available];
        for (int i = 0; i < available; i++) {
          body[i] = (byte) (w[p + i] ^ key[i % 4]);
        }
        p += available;
        if (!control) {
          r.payload.writeBytes(body);
          if (available < length) {
            return r.end(End.TRUNCATED);
          }
          continue;
        }
        if (available < length) {
          return r.end(End.TRUNCATED);
        }
        if (opcode == WsFrames.OP_PING) {
          r.pings.add(HexFormat.of().formatHex(body));
        } else if (opcode == WsFrames.OP_CLOSE) {
          if (body.length == 1) {
            return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
          }
          int code = body.length >= 2 ? (body[0] & 0xff) << 8 | body[1] & 0xff : -1;
          if (code != -1 && !(code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014
              || code >= 3000 && code <= 4999)) {
            return r.violation(WsFrames.CLOSE_PROTOCOL_ERROR);
          }
          r.closeCode = code;
          return r.end(End.CLOSED);
        }
      }
    }
  }

  // ---- helpers ----

  /** A stream over {@code b} that delivers at most {@code chunk} bytes per read. */
  private static InputStream chunked(byte[] b, int chunk) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] dst, int off, int len) {
        return super.read(dst, off, Math.min(len, chunk));
      }
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Optional<String> hex(Optional<byte[]> b) {
    return b.map(HexFormat.of()::formatHex);
  }
}
