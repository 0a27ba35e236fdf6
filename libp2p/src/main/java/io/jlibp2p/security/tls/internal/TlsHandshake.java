package io.jlibp2p.security.tls.internal;

import static io.jlibp2p.security.tls.internal.TlsRecordLayer.BAD_CERTIFICATE;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.CERTIFICATE_REQUIRED;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.DECODE_ERROR;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.DECRYPT_ERROR;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.HANDSHAKE_FAILURE;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.ILLEGAL_PARAMETER;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.MISSING_EXTENSION;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.NO_APPLICATION_PROTOCOL;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.PROTOCOL_VERSION;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.UNEXPECTED_MESSAGE;
import static io.jlibp2p.security.tls.internal.TlsRecordLayer.alert;

import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.internal.SecuredConnection;
import io.jlibp2p.security.tls.internal.TlsCertificates.Credentials;
import io.jlibp2p.security.tls.internal.TlsCertificates.VerifiedPeer;
import io.jlibp2p.security.tls.internal.TlsRecordLayer.AlertException;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.cert.CertificateEncodingException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.KeyAgreement;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The libp2p TLS handshake (specs tls/tls.md): TLS 1.3 (RFC 8446) only, client authentication
 * required, each side presenting a self-signed certificate with the libp2p Public Key Extension,
 * verified by {@link TlsCertificates#verify}; ALPN carries the muxers for early negotiation (specs
 * connections/inlined-muxer-negotiation.md).
 *
 * <p>What libp2p uses of TLS 1.3 and nothing more: a full handshake with (EC)DHE on X25519 or P-256
 * (the client offers an X25519 share and answers a HelloRetryRequest for P-256; the server asks for
 * one of them when the client sent neither), the suites of {@link TlsSuite}, no session resumption,
 * no early data, no SNI. The secrets stay in jlibp2p's {@link TlsRecordLayer}, which protects
 * records with the JDK's ciphers straight between the network buffer and the caller's array.
 *
 * <p>Thread-safe: one instance per local identity, each call runs one handshake on the calling
 * thread.
 */
public final class TlsHandshake {
  /** The ALPN protocol of libp2p TLS; last in every offer, it means "no early muxer". */
  public static final String ALPN = "libp2p";

  /** Most certificates a Certificate message may list (libp2p allows exactly one). */
  static final int MAX_CERTIFICATES = 8;

  // handshake message types (RFC 8446, 4)
  static final int CLIENT_HELLO = 1;
  static final int SERVER_HELLO = 2;
  static final int ENCRYPTED_EXTENSIONS = 8;
  static final int CERTIFICATE = 11;
  static final int CERTIFICATE_REQUEST = 13;
  static final int CERTIFICATE_VERIFY = 15;
  static final int FINISHED = 20;
  static final int MESSAGE_HASH = 254;

  // extensions (RFC 8446, 4.2; RFC 7301)
  static final int SUPPORTED_GROUPS = 10;
  static final int SIGNATURE_ALGORITHMS = 13;
  static final int ALPN_EXTENSION = 16;
  static final int PRE_SHARED_KEY = 41;
  static final int SUPPORTED_VERSIONS = 43;
  static final int COOKIE = 44;
  static final int KEY_SHARE = 51;

  static final int TLS13 = 0x0304;
  static final int LEGACY_VERSION = 0x0303;

  static final int X25519_GROUP = 0x001d;
  static final int SECP256R1 = 0x0017;
  /** Groups in our order of preference. */
  static final int[] GROUPS = {X25519_GROUP, SECP256R1};

  // signature schemes (RFC 8446, 4.2.3)
  static final int ECDSA_SECP256R1_SHA256 = 0x0403;
  static final int ECDSA_SECP384R1_SHA384 = 0x0503;
  static final int ECDSA_SECP521R1_SHA512 = 0x0603;
  static final int RSA_PSS_RSAE_SHA256 = 0x0804;
  static final int RSA_PSS_RSAE_SHA384 = 0x0805;
  static final int RSA_PSS_RSAE_SHA512 = 0x0806;
  static final int ED25519 = 0x0807;
  static final int ED448 = 0x0808;
  static final int RSA_PSS_PSS_SHA256 = 0x0809;
  static final int RSA_PSS_PSS_SHA384 = 0x080a;
  static final int RSA_PSS_PSS_SHA512 = 0x080b;
  /** The signature schemes we verify, in our order of preference. */
  static final int[] SIGNATURE_SCHEMES = {
    ECDSA_SECP256R1_SHA256, ED25519, ECDSA_SECP384R1_SHA384, ECDSA_SECP521R1_SHA512, ED448,
    RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA384, RSA_PSS_RSAE_SHA512,
    RSA_PSS_PSS_SHA256, RSA_PSS_PSS_SHA384, RSA_PSS_PSS_SHA512
  };

  /** ServerHello.random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest". */
  static final byte[] HELLO_RETRY_REQUEST_RANDOM =
      java.util.HexFormat.of().parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

  private static final byte[] SERVER_VERIFY_CONTEXT = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLIENT_VERIFY_CONTEXT = "TLS 1.3, client CertificateVerify".getBytes(StandardCharsets.US_ASCII);

  private final ProtocolId protocolId;
  private final PeerId localPeer;
  private final SecureRandom random;
  private final InstantSource clock;
  private final Function<RawConnection, Credentials> credentials;
  /** The key exchange groups we support, preferred first; a client sends a share of the first. */
  private final int[] groups;
  private final long keyUpdateRecords;

  /**
   * @param credentials makes the certificate chain and key we present on one connection
   */
  public TlsHandshake(
      ProtocolId protocolId,
      PrivateKey identity,
      SecureRandom random,
      InstantSource clock,
      Function<RawConnection, Credentials> credentials) {
    this(protocolId, identity, random, clock, credentials, GROUPS, TlsRecordLayer.KEY_UPDATE_RECORDS);
  }

  /** As above, with the groups we support and the records sent under one key (for tests). */
  TlsHandshake(
      ProtocolId protocolId,
      PrivateKey identity,
      SecureRandom random,
      InstantSource clock,
      Function<RawConnection, Credentials> credentials,
      int[] groups,
      long keyUpdateRecords) {
    for (int g : groups) {
      if (!contains(GROUPS, g)) {
        throw new IllegalArgumentException("unsupported group " + hex(g));
      }
    }
    this.groups = groups.clone();
    this.keyUpdateRecords = keyUpdateRecords;
    this.protocolId = Objects.requireNonNull(protocolId, "protocolId");
    this.localPeer = PeerId.fromPublicKey(identity.publicKey());
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  public PeerId localPeer() {
    return localPeer;
  }

  /** What a finished handshake established. */
  private record Outcome(VerifiedPeer peer, String alpn) {}

  /**
   * Runs the handshake; on any failure sends the alert it calls for, closes {@code connection} and
   * throws a {@link SecurityHandshakeException} (a {@link PeerIdMismatchException} when the remote is
   * not {@code expectedRemote}).
   *
   * @param expectedRemote checked against the server's certificate before we authenticate; may
   *     be null
   */
  public SecureConnection run(
      RawConnection connection, boolean initiator, PeerId expectedRemote, List<ProtocolId> muxers)
      throws IOException {
    TlsRecordLayer records = new TlsRecordLayer(connection, keyUpdateRecords);
    try {
      Credentials own = credentials.apply(connection);
      Outcome outcome =
          initiator
              ? new Client(records, own, expectedRemote, muxers).run()
              : new Server(records, own, muxers).run();
      records.handshakeDone();
      return new SecuredConnection(
          connection,
          records.in(),
          records.out(),
          localPeer,
          outcome.peer().peerId(),
          outcome.peer().publicKey(),
          protocolId,
          earlyMuxer(outcome.alpn(), muxers),
          TlsRecordLayer.PREFERRED_FRAME_SIZE);
    } catch (AlertException e) {
      if (!e.received()) {
        records.sendAlert(e.alert());
      }
      connection.close();
      throw new SecurityHandshakeException("TLS handshake: " + strip(e.getMessage()), e);
    } catch (TlsCertificateException e) {
      records.sendAlert(BAD_CERTIFICATE);
      connection.close();
      if (e.peerMismatch()) {
        PeerIdMismatchException m = new PeerIdMismatchException("TLS handshake: " + e.getMessage());
        m.initCause(e);
        throw m;
      }
      throw new SecurityHandshakeException("TLS handshake: peer certificate refused: " + e.getMessage(), e);
    } catch (TlsRecordLayer.EndOfHandshakeException e) {
      connection.close();
      throw new SecurityHandshakeException("TLS handshake: " + e.getMessage(), e);
    } catch (IOException e) {
      connection.close();
      throw new SecurityHandshakeException("TLS handshake failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      records.sendAlert(TlsRecordLayer.INTERNAL_ERROR);
      connection.close();
      throw e;
    }
  }

  private static String strip(String message) {
    return message.startsWith("TLS: ") ? message.substring(5) : message;
  }

  /** Our muxers in preference order, then {@value #ALPN}. */
  public static String[] alpnOffer(List<ProtocolId> muxers) {
    List<String> offer = new ArrayList<>(muxers.size() + 1);
    muxers.forEach(m -> offer.add(m.value()));
    offer.add(ALPN);
    return offer.toArray(String[]::new);
  }

  /**
   * The server's choice: the first of the client's protocols that we support (a muxer of ours or
   * {@value #ALPN}); null, which aborts the handshake, when there is none. A client that offers
   * nothing gets no ALPN answer.
   */
  public static String selectAlpn(List<String> offered, List<ProtocolId> muxers) {
    if (offered.isEmpty()) {
      return "";
    }
    for (String p : offered) {
      if (p.equals(ALPN) || muxers.stream().anyMatch(m -> m.value().equals(p))) {
        return p;
      }
    }
    return null;
  }

  private static Optional<ProtocolId> earlyMuxer(String selected, List<ProtocolId> muxers) {
    if (selected == null || selected.isEmpty() || selected.equals(ALPN)) {
      return Optional.empty();
    }
    return muxers.stream().filter(m -> m.value().equals(selected)).findFirst();
  }

  // ---- the two sides ----

  /** State shared by both sides of one handshake. */
  private abstract class Side {
    final TlsRecordLayer records;
    final Credentials own;
    final Transcript transcript = new Transcript();
    TlsSuite suite;

    Side(TlsRecordLayer records, Credentials own) {
      this.records = records;
      this.own = own;
    }

    byte[] read(int type) throws IOException {
      byte[] m = records.readHandshakeMessage(type);
      if ((m[0] & 0xff) != type) {
        throw alert(UNEXPECTED_MESSAGE, "expected handshake message " + type + ", received " + (m[0] & 0xff));
      }
      return m;
    }

    void send(byte[] message) throws IOException {
      transcript.add(message);
      records.writeHandshake(message);
    }

    byte[] certificateMessage(byte[] context) throws IOException {
      Writer w = new Writer();
      int m = w.message(CERTIFICATE);
      w.vector8(context);
      int list = w.open(3);
      for (java.security.cert.X509Certificate c : own.chain()) {
        try {
          w.vector24(c.getEncoded());
        } catch (CertificateEncodingException e) {
          throw new IllegalStateException("cannot encode our certificate", e);
        }
        w.u16(0); // no extensions
      }
      w.close(list, 3);
      w.close(m, 3);
      return w.toByteArray();
    }

    byte[] certificateVerifyMessage(int scheme, byte[] context) {
      byte[] signature = sign(scheme, own.key(), signedContent(context, transcript.hash(suite)));
      Writer w = new Writer();
      int m = w.message(CERTIFICATE_VERIFY);
      w.u16(scheme);
      w.vector16(signature);
      w.close(m, 3);
      return w.toByteArray();
    }

    byte[] finishedMessage(byte[] trafficSecret) {
      Writer w = new Writer();
      int m = w.message(FINISHED);
      w.bytes(suite.finished(trafficSecret, transcript.hash(suite)));
      w.close(m, 3);
      return w.toByteArray();
    }

    /** Reads the peer's Certificate: one certificate, verified. */
    VerifiedPeer readCertificate(byte[] context, boolean fromClient) throws IOException, TlsCertificateException {
      byte[] message = read(CERTIFICATE);
      Reader r = Reader.of(message);
      if (!Arrays.equals(r.vector(1, 0, 255).rest(), context)) {
        throw alert(ILLEGAL_PARAMETER, "certificate_request_context does not match");
      }
      Reader list = r.vector(3, 0, TlsRecordLayer.MAX_HANDSHAKE_MESSAGE);
      r.end();
      List<byte[]> chain = new ArrayList<>();
      while (list.more()) {
        if (chain.size() == MAX_CERTIFICATES) {
          throw new TlsCertificateException("more than " + MAX_CERTIFICATES + " certificates");
        }
        int length = list.u24();
        if (length == 0 || length > TlsCertificates.MAX_CERTIFICATE_LENGTH) {
          if (length == 0) {
            throw alert(DECODE_ERROR, "empty certificate");
          }
          throw new TlsCertificateException(
              "certificate of " + length + " bytes (limit: " + TlsCertificates.MAX_CERTIFICATE_LENGTH + ")");
        }
        chain.add(list.bytes(length));
        list.vector(2, 0, 0xffff); // certificate entry extensions: none we use
      }
      if (chain.isEmpty()) {
        throw alert(fromClient ? CERTIFICATE_REQUIRED : DECODE_ERROR, "the peer presented no certificate");
      }
      VerifiedPeer peer = TlsCertificates.verify(chain, clock.instant());
      transcript.add(message);
      return peer;
    }

    /** Reads the peer's CertificateVerify and checks it against the transcript so far. */
    void readCertificateVerify(PublicKey key, byte[] context) throws IOException {
      byte[] message = read(CERTIFICATE_VERIFY);
      Reader r = Reader.of(message);
      int scheme = r.u16();
      byte[] signature = r.vector(2, 1, TlsCertificates.MAX_SIGNATURE_LENGTH).rest();
      r.end();
      if (!contains(SIGNATURE_SCHEMES, scheme)) {
        throw alert(ILLEGAL_PARAMETER, "signature scheme " + hex(scheme) + " was not offered");
      }
      if (!verify(scheme, key, signedContent(context, transcript.hash(suite)), signature)) {
        throw alert(DECRYPT_ERROR, "the peer's CertificateVerify signature is invalid");
      }
      transcript.add(message);
    }

    /** Reads the peer's Finished and checks it. */
    void readFinished(byte[] trafficSecret) throws IOException {
      byte[] message = read(FINISHED);
      byte[] expected = suite.finished(trafficSecret, transcript.hash(suite));
      Reader r = Reader.of(message);
      byte[] got = r.bytes(r.remaining());
      if (!MessageDigest.isEqual(expected, got)) {
        throw alert(DECRYPT_ERROR, "the peer's Finished does not match the handshake");
      }
      transcript.add(message);
    }
  }

  private final class Client extends Side {
    private final PeerId expectedRemote;
    private final List<ProtocolId> muxers;
    private final String[] alpn;

    Client(TlsRecordLayer records, Credentials own, PeerId expectedRemote, List<ProtocolId> muxers) {
      super(records, own);
      this.expectedRemote = expectedRemote;
      this.muxers = muxers;
      this.alpn = alpnOffer(muxers);
    }

    Outcome run() throws IOException, TlsCertificateException {
      byte[] clientRandom = new byte[32];
      random.nextBytes(clientRandom);
      KeyShare share = KeyShare.generate(groups[0], random);
      send(clientHello(clientRandom, share, null));
      records.flush();
      records.helloSeen();

      byte[] message = read(SERVER_HELLO);
      ServerHello hello = ServerHello.parse(message);
      suite = hello.suite;
      if (hello.retry) {
        if (hello.group == share.group || (hello.group < 0 && hello.cookie == null)) {
          throw alert(ILLEGAL_PARAMETER, "HelloRetryRequest for the group we sent, or changing nothing");
        }
        int group = hello.group < 0 ? share.group : hello.group;
        if (group != share.group) {
          if (!contains(groups, group)) {
            throw alert(ILLEGAL_PARAMETER, "HelloRetryRequest for group " + hex(group) + ", not offered");
          }
          share = KeyShare.generate(group, random);
        }
        transcript.replaceWithMessageHash(suite);
        transcript.add(message);
        send(clientHello(clientRandom, share, hello.cookie));
        records.flush();
        message = read(SERVER_HELLO);
        ServerHello second = ServerHello.parse(message);
        if (second.retry) {
          throw alert(UNEXPECTED_MESSAGE, "a second HelloRetryRequest");
        }
        if (second.suite != suite) {
          throw alert(ILLEGAL_PARAMETER, "ServerHello changes the suite of the HelloRetryRequest");
        }
        hello = second;
      }
      if (hello.group != share.group) {
        throw alert(ILLEGAL_PARAMETER, "ServerHello key share for group " + hex(hello.group) + ", not offered");
      }
      transcript.add(message);
      TlsSuite.Schedule schedule = new TlsSuite.Schedule(suite, share.agree(hello.keyExchange));
      byte[][] handshakeSecrets = schedule.handshakeTrafficSecrets(transcript.hash(suite));
      records.setReadCipher(new TlsRecordCipher(suite, handshakeSecrets[1]));
      // our flight and any alert before it go out under our handshake key, which the server reads
      records.setWriteCipher(new TlsRecordCipher(suite, handshakeSecrets[0]));

      // EncryptedExtensions
      message = read(ENCRYPTED_EXTENSIONS);
      Reader r = Reader.of(message);
      Map<Integer, Reader> extensions = extensions(r);
      r.end();
      String selected = "";
      Reader alpnExtension = extensions.get(ALPN_EXTENSION);
      if (alpnExtension != null) {
        List<String> names = protocolNames(alpnExtension);
        if (names.size() != 1 || !Arrays.asList(alpn).contains(names.getFirst())) {
          throw alert(ILLEGAL_PARAMETER, "the server selected an ALPN protocol we did not offer: " + names);
        }
        selected = names.getFirst();
      }
      transcript.add(message);

      // CertificateRequest: libp2p authenticates both sides
      message = read(CERTIFICATE_REQUEST);
      r = Reader.of(message);
      byte[] requestContext = r.vector(1, 0, 255).rest();
      extensions = extensions(r);
      r.end();
      Reader algorithms = extensions.get(SIGNATURE_ALGORITHMS);
      if (algorithms == null) {
        throw alert(MISSING_EXTENSION, "CertificateRequest without signature_algorithms");
      }
      int ownScheme = ownScheme(own.key(), codes(algorithms));
      transcript.add(message);

      VerifiedPeer peer = readCertificate(new byte[0], false);
      if (expectedRemote != null && !expectedRemote.equals(peer.peerId())) {
        throw TlsCertificateException.peerMismatch(
            "remote is " + peer.peerId() + " (expected: " + expectedRemote + ")");
      }
      readCertificateVerify(peer.certificateKey(), SERVER_VERIFY_CONTEXT);
      readFinished(handshakeSecrets[1]);
      byte[][] applicationSecrets = schedule.applicationTrafficSecrets(transcript.hash(suite));
      records.setReadCipher(new TlsRecordCipher(suite, applicationSecrets[1]));

      send(certificateMessage(requestContext));
      send(certificateVerifyMessage(ownScheme, CLIENT_VERIFY_CONTEXT));
      send(finishedMessage(handshakeSecrets[0]));
      records.setWriteCipher(new TlsRecordCipher(suite, applicationSecrets[0]));
      records.flush();
      return new Outcome(peer, selected);
    }

    private byte[] clientHello(byte[] clientRandom, KeyShare share, byte[] cookie) {
      Writer w = new Writer();
      int m = w.message(CLIENT_HELLO);
      w.u16(LEGACY_VERSION);
      w.bytes(clientRandom);
      w.u8(0); // legacy_session_id: none
      int suites = w.open(2);
      for (TlsSuite s : TlsSuite.values()) {
        w.u16(s.id);
      }
      w.close(suites, 2);
      w.u8(1);
      w.u8(0); // legacy_compression_methods: null
      int ext = w.open(2);
      int e = w.extension(SUPPORTED_VERSIONS);
      w.u8(2);
      w.u16(TLS13);
      w.close(e, 2);
      e = w.extension(SUPPORTED_GROUPS);
      w.codes(groups);
      w.close(e, 2);
      e = w.extension(SIGNATURE_ALGORITHMS);
      w.codes(SIGNATURE_SCHEMES);
      w.close(e, 2);
      e = w.extension(KEY_SHARE);
      int shares = w.open(2);
      w.u16(share.group);
      w.vector16(share.publicKey);
      w.close(shares, 2);
      w.close(e, 2);
      if (cookie != null) {
        e = w.extension(COOKIE);
        w.vector16(cookie);
        w.close(e, 2);
      }
      e = w.extension(ALPN_EXTENSION);
      int names = w.open(2);
      for (String p : alpn) {
        w.vector8(p.getBytes(StandardCharsets.UTF_8));
      }
      w.close(names, 2);
      w.close(e, 2);
      w.close(ext, 2);
      w.close(m, 3);
      return w.toByteArray();
    }
  }

  /** A ServerHello or HelloRetryRequest as the client checks it. */
  private record ServerHello(boolean retry, TlsSuite suite, int group, byte[] keyExchange, byte[] cookie) {
    static ServerHello parse(byte[] message) throws AlertException {
      Reader r = Reader.of(message);
      r.u16(); // legacy_version: the version is in supported_versions
      byte[] serverRandom = r.bytes(32);
      byte[] sessionId = r.vector(1, 0, 32).rest();
      int suiteId = r.u16();
      int compression = r.u8();
      Map<Integer, Reader> extensions = extensions(r);
      r.end();
      boolean retry = Arrays.equals(serverRandom, HELLO_RETRY_REQUEST_RANDOM);
      Reader versions = extensions.get(SUPPORTED_VERSIONS);
      if (versions == null) {
        throw alert(PROTOCOL_VERSION, "the server does not speak TLS 1.3");
      }
      int version = versions.u16();
      versions.end();
      if (version != TLS13) {
        throw alert(ILLEGAL_PARAMETER, "the server selected version " + hex(version));
      }
      if (sessionId.length != 0 || compression != 0) {
        throw alert(ILLEGAL_PARAMETER, "legacy_session_id_echo or compression method altered");
      }
      TlsSuite suite = TlsSuite.byId(suiteId);
      if (suite == null) {
        throw alert(ILLEGAL_PARAMETER, "the server selected suite " + hex(suiteId) + ", not offered");
      }
      for (int type : extensions.keySet()) {
        if (type != SUPPORTED_VERSIONS && type != KEY_SHARE && !(retry && type == COOKIE)) {
          throw alert(TlsRecordLayer.UNSUPPORTED_EXTENSION, "unexpected extension " + type + " in ServerHello");
        }
      }
      Reader keyShare = extensions.get(KEY_SHARE);
      if (keyShare == null && !retry) {
        throw alert(MISSING_EXTENSION, "ServerHello without key_share");
      }
      byte[] cookie = null;
      if (retry && extensions.containsKey(COOKIE)) {
        Reader c = extensions.get(COOKIE);
        cookie = c.vector(2, 1, 0xffff).rest();
        c.end();
      }
      if (keyShare == null) {
        return new ServerHello(true, suite, -1, null, cookie);
      }
      int group = keyShare.u16();
      byte[] keyExchange = retry ? null : keyShare.vector(2, 1, 0xffff).rest();
      keyShare.end();
      return new ServerHello(retry, suite, group, keyExchange, cookie);
    }
  }

  private final class Server extends Side {
    private final List<ProtocolId> muxers;

    Server(TlsRecordLayer records, Credentials own, List<ProtocolId> muxers) {
      super(records, own);
      this.muxers = muxers;
    }

    Outcome run() throws IOException, TlsCertificateException {
      byte[] message = read(CLIENT_HELLO);
      records.helloSeen();
      ClientHello hello = ClientHello.parse(message);
      suite = null;
      for (TlsSuite s : TlsSuite.values()) {
        if (hello.suites.contains(s.id)) {
          suite = s;
          break;
        }
      }
      if (suite == null) {
        throw alert(HANDSHAKE_FAILURE, "no TLS 1.3 cipher suite in common");
      }
      int ownScheme = ownScheme(own.key(), hello.signatureSchemes);
      String selected = selectAlpn(hello.alpn, muxers);
      if (selected == null) {
        throw alert(NO_APPLICATION_PROTOCOL, "no ALPN protocol in common: " + hello.alpn);
      }
      transcript.add(message);
      int group = hello.shareGroup(groups);
      if (group < 0) {
        group = hello.commonGroup(groups);
        if (group < 0) {
          throw alert(HANDSHAKE_FAILURE, "no key exchange group in common");
        }
        // HelloRetryRequest: ask for a share of the group we support
        transcript.replaceWithMessageHash(suite);
        send(serverHello(HELLO_RETRY_REQUEST_RANDOM, hello.sessionId, group, null));
        records.flush();
        message = read(CLIENT_HELLO);
        ClientHello second = ClientHello.parse(message);
        if (!second.suites.contains(suite.id) || second.shares.size() != 1 || second.share(group) == null) {
          throw alert(ILLEGAL_PARAMETER, "the second ClientHello does not follow the HelloRetryRequest");
        }
        transcript.add(message);
        hello = second;
      }
      KeyShare share = KeyShare.generate(group, random);
      byte[] shared = share.agree(hello.share(group));

      byte[] serverRandom = new byte[32];
      random.nextBytes(serverRandom);
      send(serverHello(serverRandom, hello.sessionId, group, share.publicKey));

      TlsSuite.Schedule schedule = new TlsSuite.Schedule(suite, shared);
      byte[][] handshakeSecrets = schedule.handshakeTrafficSecrets(transcript.hash(suite));
      records.setWriteCipher(new TlsRecordCipher(suite, handshakeSecrets[1]));
      records.setReadCipher(new TlsRecordCipher(suite, handshakeSecrets[0]));

      Writer w = new Writer();
      int m = w.message(ENCRYPTED_EXTENSIONS);
      int ext = w.open(2);
      if (!selected.isEmpty()) {
        int e = w.extension(ALPN_EXTENSION);
        int names = w.open(2);
        w.vector8(selected.getBytes(StandardCharsets.UTF_8));
        w.close(names, 2);
        w.close(e, 2);
      }
      w.close(ext, 2);
      w.close(m, 3);
      send(w.toByteArray());

      w = new Writer();
      m = w.message(CERTIFICATE_REQUEST);
      w.u8(0); // certificate_request_context: empty in the handshake
      ext = w.open(2);
      int e = w.extension(SIGNATURE_ALGORITHMS);
      w.codes(SIGNATURE_SCHEMES);
      w.close(e, 2);
      w.close(ext, 2);
      w.close(m, 3);
      send(w.toByteArray());

      send(certificateMessage(new byte[0]));
      send(certificateVerifyMessage(ownScheme, SERVER_VERIFY_CONTEXT));
      send(finishedMessage(handshakeSecrets[1]));
      byte[][] applicationSecrets = schedule.applicationTrafficSecrets(transcript.hash(suite));
      // from here on we send under our application key, an alert about the client's flight too
      records.setWriteCipher(new TlsRecordCipher(suite, applicationSecrets[1]));
      records.flush();

      VerifiedPeer peer = readCertificate(new byte[0], true);
      readCertificateVerify(peer.certificateKey(), CLIENT_VERIFY_CONTEXT);
      readFinished(handshakeSecrets[0]);
      records.setReadCipher(new TlsRecordCipher(suite, applicationSecrets[0]));
      return new Outcome(peer, selected);
    }

    /** A ServerHello, or with no public key a HelloRetryRequest asking for a share of {@code group}. */
    private byte[] serverHello(byte[] serverRandom, byte[] sessionId, int group, byte[] publicKey) {
      Writer w = new Writer();
      int m = w.message(SERVER_HELLO);
      w.u16(LEGACY_VERSION);
      w.bytes(serverRandom);
      w.vector8(sessionId);
      w.u16(suite.id);
      w.u8(0);
      int ext = w.open(2);
      int e = w.extension(SUPPORTED_VERSIONS);
      w.u16(TLS13);
      w.close(e, 2);
      e = w.extension(KEY_SHARE);
      w.u16(group);
      if (publicKey != null) {
        w.vector16(publicKey);
      }
      w.close(e, 2);
      w.close(ext, 2);
      w.close(m, 3);
      return w.toByteArray();
    }
  }

  /** A ClientHello as the server reads it. */
  private record ClientHello(
      byte[] sessionId,
      List<Integer> suites,
      List<Integer> groups,
      Map<Integer, byte[]> shares,
      List<Integer> signatureSchemes,
      List<String> alpn) {

    static ClientHello parse(byte[] message) throws AlertException {
      Reader r = Reader.of(message);
      r.u16(); // legacy_version
      r.bytes(32); // random
      byte[] sessionId = r.vector(1, 0, 32).rest();
      Reader suiteList = r.vector(2, 2, 0xfffe);
      List<Integer> suites = new ArrayList<>();
      while (suiteList.more()) {
        suites.add(suiteList.u16());
      }
      byte[] compression = r.vector(1, 1, 255).rest();
      if (compression.length != 1 || compression[0] != 0) {
        throw alert(ILLEGAL_PARAMETER, "ClientHello offers compression");
      }
      Map<Integer, Reader> extensions = extensions(r);
      r.end();
      Reader versions = extensions.get(SUPPORTED_VERSIONS);
      if (versions == null) {
        throw alert(PROTOCOL_VERSION, "the client does not offer TLS 1.3");
      }
      List<Integer> offeredVersions = codesIn(versions.vector(1, 2, 254));
      versions.end();
      if (!offeredVersions.contains(TLS13)) {
        throw alert(PROTOCOL_VERSION, "the client does not offer TLS 1.3");
      }
      Reader algorithms = extensions.get(SIGNATURE_ALGORITHMS);
      Reader groupList = extensions.get(SUPPORTED_GROUPS);
      Reader shareList = extensions.get(KEY_SHARE);
      if (algorithms == null || groupList == null || shareList == null) {
        throw alert(MISSING_EXTENSION, "ClientHello lacks signature_algorithms, supported_groups or key_share");
      }
      List<Integer> signatureSchemes = codes(algorithms);
      List<Integer> groups = codes(groupList);
      Map<Integer, byte[]> shares = new HashMap<>();
      Reader entries = shareList.vector(2, 0, 0xffff);
      shareList.end();
      while (entries.more()) {
        int group = entries.u16();
        byte[] key = entries.vector(2, 1, 0xffff).rest();
        if (shares.put(group, key) != null || !groups.contains(group)) {
          throw alert(ILLEGAL_PARAMETER, "key share for group " + hex(group) + " repeated or not in supported_groups");
        }
      }
      List<String> alpn = new ArrayList<>();
      Reader alpnExtension = extensions.get(ALPN_EXTENSION);
      if (alpnExtension != null) {
        alpn = protocolNames(alpnExtension);
      }
      return new ClientHello(sessionId, suites, groups, shares, signatureSchemes, alpn);
    }

    byte[] share(int group) {
      return shares.get(group);
    }

    /** The first of our groups the client sent a share for, or -1. */
    int shareGroup(int[] ours) {
      for (int g : ours) {
        if (shares.containsKey(g)) {
          return g;
        }
      }
      return -1;
    }

    /** The first of our groups the client supports, or -1. */
    int commonGroup(int[] ours) {
      for (int g : ours) {
        if (groups.contains(g)) {
          return g;
        }
      }
      return -1;
    }
  }

  // ---- key exchange and signatures ----

  /** An ephemeral key share of one group. */
  private static final class KeyShare {
    final int group;
    final byte[] publicKey;
    private final byte[] x25519Private;
    private final KeyPair ec;

    private KeyShare(int group, byte[] publicKey, byte[] x25519Private, KeyPair ec) {
      this.group = group;
      this.publicKey = publicKey;
      this.x25519Private = x25519Private;
      this.ec = ec;
    }

    static KeyShare generate(int group, SecureRandom random) {
      if (group == X25519_GROUP) {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, k);
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(k, 0, pub, 0);
        return new KeyShare(group, pub, k, null);
      }
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair kp = g.generateKeyPair();
        ECPoint w = ((ECPublicKey) kp.getPublic()).getW();
        byte[] pub = new byte[65];
        pub[0] = 4;
        unsigned(w.getAffineX(), pub, 1, 32);
        unsigned(w.getAffineY(), pub, 33, 32);
        return new KeyShare(group, pub, null, kp);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK lacks ECDH on P-256", e);
      }
    }

    byte[] agree(byte[] peer) throws AlertException {
      if (group == X25519_GROUP) {
        if (peer.length != X25519.POINT_SIZE) {
          throw alert(ILLEGAL_PARAMETER, "X25519 key share of " + peer.length + " bytes");
        }
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(x25519Private, 0, peer, 0, shared, 0)) {
          throw alert(ILLEGAL_PARAMETER, "X25519 key share of low order");
        }
        return shared;
      }
      if (peer.length != 65 || peer[0] != 4) {
        throw alert(ILLEGAL_PARAMETER, "P-256 key share not an uncompressed point");
      }
      try {
        ECPoint point =
            new ECPoint(new BigInteger(1, Arrays.copyOfRange(peer, 1, 33)), new BigInteger(1, Arrays.copyOfRange(peer, 33, 65)));
        PublicKey key =
            KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(point, ((ECPublicKey) ec.getPublic()).getParams()));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(ec.getPrivate());
        agreement.doPhase(key, true);
        return agreement.generateSecret();
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new AlertException(ILLEGAL_PARAMETER, "TLS: bad P-256 key share: " + e.getMessage(), e);
      }
    }

    private static void unsigned(BigInteger v, byte[] out, int off, int length) {
      byte[] b = v.toByteArray();
      int n = Math.min(b.length, length);
      System.arraycopy(b, b.length - n, out, off + length - n, n);
    }
  }

  /** The scheme we sign our CertificateVerify with: fixed by our certificate's key, if offered. */
  static int ownScheme(java.security.PrivateKey key, List<Integer> offered) throws AlertException {
    int scheme =
        switch (key.getAlgorithm()) {
          case "EC" -> switch (((ECKey) key).getParams().getCurve().getField().getFieldSize()) {
            case 256 -> ECDSA_SECP256R1_SHA256;
            case 384 -> ECDSA_SECP384R1_SHA384;
            default -> ECDSA_SECP521R1_SHA512;
          };
          case "Ed25519", "EdDSA" -> ED25519;
          case "Ed448" -> ED448;
          case "RSA" -> RSA_PSS_RSAE_SHA256;
          default -> throw new IllegalStateException("no TLS signature scheme for a " + key.getAlgorithm() + " key");
        };
    if (!offered.contains(scheme)) {
      throw alert(HANDSHAKE_FAILURE, "the peer does not accept signature scheme " + hex(scheme) + " of our certificate");
    }
    return scheme;
  }

  /** The curves of the ECDSA schemes, by name, looked up once. */
  private static final Map<String, ECParameterSpec> NAMED_CURVES = namedCurves("secp256r1", "secp384r1", "secp521r1");

  private static Map<String, ECParameterSpec> namedCurves(String... names) {
    Map<String, ECParameterSpec> curves = new HashMap<>();
    try {
      for (String name : names) {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(name));
        curves.put(name, p.getParameterSpec(ECParameterSpec.class));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks the NIST curves", e);
    }
    return Map.copyOf(curves);
  }

  /** Whether {@code params} are those of the named curve (not merely of its size). */
  private static boolean isCurve(ECParameterSpec params, String name) {
    ECParameterSpec named = NAMED_CURVES.get(name);
    return named.getCurve().equals(params.getCurve())
        && named.getGenerator().equals(params.getGenerator())
        && named.getOrder().equals(params.getOrder())
        && named.getCofactor() == params.getCofactor();
  }

  private static byte[] signedContent(byte[] context, byte[] transcriptHash) {
    byte[] content = new byte[64 + context.length + 1 + transcriptHash.length];
    Arrays.fill(content, 0, 64, (byte) 0x20);
    System.arraycopy(context, 0, content, 64, context.length);
    System.arraycopy(transcriptHash, 0, content, 64 + context.length + 1, transcriptHash.length);
    return content;
  }

  private static Signature signature(int scheme, java.security.Key key) throws GeneralSecurityException {
    String keyAlgorithm = key.getAlgorithm();
    boolean rsae = key instanceof RSAKey && keyAlgorithm.equals("RSA");
    boolean pss = key instanceof RSAKey && keyAlgorithm.equals("RSASSA-PSS");
    Signature s;
    switch (scheme) {
      case ECDSA_SECP256R1_SHA256, ECDSA_SECP384R1_SHA384, ECDSA_SECP521R1_SHA512 -> {
        int expected = scheme == ECDSA_SECP256R1_SHA256 ? 256 : scheme == ECDSA_SECP384R1_SHA384 ? 384 : 521;
        if (!(key instanceof ECKey ec) || !isCurve(ec.getParams(), "secp" + expected + "r1")) {
          throw new GeneralSecurityException("scheme " + hex(scheme) + " needs a P-" + expected + " key");
        }
        s = Signature.getInstance(scheme == ECDSA_SECP256R1_SHA256 ? "SHA256withECDSA"
            : scheme == ECDSA_SECP384R1_SHA384 ? "SHA384withECDSA" : "SHA512withECDSA");
      }
      case ED25519, ED448 -> {
        String name = scheme == ED25519 ? "Ed25519" : "Ed448";
        if (!(keyAlgorithm.equals(name) || keyAlgorithm.equals("EdDSA"))) {
          throw new GeneralSecurityException("scheme " + hex(scheme) + " needs an " + name + " key");
        }
        s = Signature.getInstance(name);
      }
      case RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA384, RSA_PSS_RSAE_SHA512,
          RSA_PSS_PSS_SHA256, RSA_PSS_PSS_SHA384, RSA_PSS_PSS_SHA512 -> {
        boolean rsaeScheme = scheme <= RSA_PSS_RSAE_SHA512;
        if (rsaeScheme ? !rsae : !pss) {
          throw new GeneralSecurityException("scheme " + hex(scheme) + " does not fit a " + keyAlgorithm + " key");
        }
        int bits = (scheme & 0xff) == 0x04 || (scheme & 0xff) == 0x09 ? 256 : (scheme & 0xff) == 0x05 || (scheme & 0xff) == 0x0a ? 384 : 512;
        String hash = "SHA-" + bits;
        s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), bits / 8, 1));
      }
      default -> throw new GeneralSecurityException("unknown signature scheme " + hex(scheme));
    }
    return s;
  }

  private static byte[] sign(int scheme, java.security.PrivateKey key, byte[] content) {
    try {
      Signature s = signature(scheme, key);
      s.initSign(key);
      s.update(content);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with our certificate key", e);
    }
  }

  static boolean verify(int scheme, PublicKey key, byte[] content, byte[] signature) throws AlertException {
    try {
      Signature s = signature(scheme, key);
      s.initVerify(key);
      s.update(content);
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new AlertException(ILLEGAL_PARAMETER, "TLS: cannot verify CertificateVerify: " + e.getMessage(), e);
    }
  }

  // ---- encoding ----

  private static boolean contains(int[] codes, int code) {
    for (int c : codes) {
      if (c == code) {
        return true;
      }
    }
    return false;
  }

  private static String hex(int code) {
    return String.format("0x%04x", code);
  }

  /** A list of 2-byte codes in a vector with a 2-byte length. */
  private static List<Integer> codes(Reader extension) throws AlertException {
    Reader list = extension.vector(2, 2, 0xfffe);
    extension.end();
    return codesIn(list);
  }

  private static List<Integer> codesIn(Reader list) throws AlertException {
    if (list.remaining() % 2 != 0) {
      throw alert(DECODE_ERROR, "odd length of a list of 2-byte codes");
    }
    List<Integer> codes = new ArrayList<>(list.remaining() / 2);
    while (list.more()) {
      codes.add(list.u16());
    }
    return codes;
  }

  private static List<String> protocolNames(Reader extension) throws AlertException {
    Reader list = extension.vector(2, 2, 0xffff);
    extension.end();
    List<String> names = new ArrayList<>();
    while (list.more()) {
      names.add(new String(list.vector(1, 1, 255).rest(), StandardCharsets.UTF_8));
    }
    return names;
  }

  /** A message's extensions, by type; a repeated type is an error. */
  private static Map<Integer, Reader> extensions(Reader r) throws AlertException {
    Map<Integer, Reader> extensions = new HashMap<>();
    if (!r.more()) {
      return extensions;
    }
    Reader list = r.vector(2, 0, 0xffff);
    while (list.more()) {
      int type = list.u16();
      Reader data = list.vector(2, 0, 0xffff);
      if (extensions.put(type, data) != null) {
        throw alert(ILLEGAL_PARAMETER, "extension " + type + " repeated");
      }
    }
    return extensions;
  }

  /** A bounded cursor over a handshake message; running past its end is a decode_error. */
  static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    private Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    /** The body of a handshake message (after its 4-byte header). */
    static Reader of(byte[] message) {
      return new Reader(message, 4, message.length);
    }

    private void need(int n) throws AlertException {
      if (n > end - pos) {
        throw alert(DECODE_ERROR, "handshake message truncated");
      }
    }

    int u8() throws AlertException {
      need(1);
      return b[pos++] & 0xff;
    }

    int u16() throws AlertException {
      need(2);
      int v = (b[pos] & 0xff) << 8 | b[pos + 1] & 0xff;
      pos += 2;
      return v;
    }

    int u24() throws AlertException {
      need(3);
      int v = (b[pos] & 0xff) << 16 | (b[pos + 1] & 0xff) << 8 | b[pos + 2] & 0xff;
      pos += 3;
      return v;
    }

    byte[] bytes(int n) throws AlertException {
      need(n);
      byte[] v = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return v;
    }

    /** A vector with a length prefix of {@code lengthBytes}, its length within [min, max]. */
    Reader vector(int lengthBytes, int min, int max) throws AlertException {
      int length = lengthBytes == 1 ? u8() : lengthBytes == 2 ? u16() : u24();
      if (length < min || length > max) {
        throw alert(DECODE_ERROR, "vector of " + length + " bytes (allowed: " + min + "-" + max + ")");
      }
      need(length);
      Reader v = new Reader(b, pos, pos + length);
      pos += length;
      return v;
    }

    int remaining() {
      return end - pos;
    }

    boolean more() {
      return pos < end;
    }

    byte[] rest() {
      byte[] v = Arrays.copyOfRange(b, pos, end);
      pos = end;
      return v;
    }

    void end() throws AlertException {
      if (pos != end) {
        throw alert(DECODE_ERROR, (end - pos) + " unexpected bytes at the end of a handshake structure");
      }
    }
  }

  /** Builds a handshake message; length prefixes are filled in by {@link #close}. */
  static final class Writer {
    private byte[] buf = new byte[512];
    private int length;

    private void ensure(int n) {
      if (length + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
      }
    }

    void u8(int v) {
      ensure(1);
      buf[length++] = (byte) v;
    }

    void u16(int v) {
      ensure(2);
      buf[length++] = (byte) (v >>> 8);
      buf[length++] = (byte) v;
    }

    void bytes(byte[] v) {
      ensure(v.length);
      System.arraycopy(v, 0, buf, length, v.length);
      length += v.length;
    }

    /** Reserves a length prefix of {@code lengthBytes}; returns where it is. */
    int open(int lengthBytes) {
      ensure(lengthBytes);
      int at = length;
      length += lengthBytes;
      return at;
    }

    /** Fills in the length prefix reserved at {@code at}. */
    void close(int at, int lengthBytes) {
      int n = length - at - lengthBytes;
      for (int i = 0; i < lengthBytes; i++) {
        buf[at + i] = (byte) (n >>> (8 * (lengthBytes - 1 - i)));
      }
    }

    int message(int type) {
      u8(type);
      return open(3);
    }

    int extension(int type) {
      u16(type);
      return open(2);
    }

    void vector8(byte[] v) {
      u8(v.length);
      bytes(v);
    }

    void vector16(byte[] v) {
      u16(v.length);
      bytes(v);
    }

    void vector24(byte[] v) {
      int at = open(3);
      bytes(v);
      close(at, 3);
    }

    void codes(int[] codes) {
      int at = open(2);
      for (int c : codes) {
        u16(c);
      }
      close(at, 2);
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, length);
    }
  }

  /** The handshake messages so far, hashed on demand with the suite's hash. */
  private static final class Transcript {
    private final ByteArrayOutputStream messages = new ByteArrayOutputStream(4096);

    void add(byte[] message) {
      messages.writeBytes(message);
    }

    byte[] hash(TlsSuite suite) {
      byte[] all = messages.toByteArray();
      return suite.hash(all, 0, all.length);
    }

    /** After a HelloRetryRequest, ClientHello1 stands in the transcript as its hash (RFC 8446, 4.4.1). */
    void replaceWithMessageHash(TlsSuite suite) {
      byte[] h = hash(suite);
      messages.reset();
      messages.write(MESSAGE_HASH);
      messages.write(0);
      messages.write(0);
      messages.write(h.length);
      messages.writeBytes(h);
    }
  }
}
