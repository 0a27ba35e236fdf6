package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.core.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 opening handshake of RFC 6455 section 4: the client's {@code GET} with {@code
 * Upgrade: websocket}, {@code Sec-WebSocket-Key} and {@code Sec-WebSocket-Version: 13}; the
 * server's {@code 101 Switching Protocols} with {@code Sec-WebSocket-Accept}. Stateless.
 */
public final class WsHandshake {
  /** The GUID appended to the key before hashing (RFC 6455 section 1.3). */
  public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** The most header lines accepted in one HTTP head. */
  public static final int MAX_HEADER_LINES = 64;

  private WsHandshake() {}

  /** A parsed HTTP head: the first line and the headers (names lower-cased; repeats joined by ", "). */
  public record Head(String startLine, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name);
    }
  }

  /** A request the server refuses: the status to answer and why. */
  public static final class Refused extends ProtocolViolationException {
    private final int status;

    Refused(int status, String message) {
      super("WebSocket handshake: " + message);
      this.status = status;
    }

    /** The HTTP status the server answers with. */
    public int status() {
      return status;
    }
  }

  /** A fresh {@code Sec-WebSocket-Key}: 16 bytes in base64. */
  public static String newKey(byte[] sixteenRandomBytes) {
    if (sixteenRandomBytes.length != 16) {
      throw new IllegalArgumentException("key bytes: " + sixteenRandomBytes.length + " (expected: 16)");
    }
    return Base64.getEncoder().encodeToString(sixteenRandomBytes);
  }

  /** The {@code Sec-WebSocket-Accept} value for {@code key}. */
  public static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] d = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JDK", e);
    }
  }

  /** The client's upgrade request. {@code hostHeader} is {@code host:port}. */
  public static byte[] request(String hostHeader, String path, String key) {
    String r = "GET " + path + " HTTP/1.1\r\n"
        + "Host: " + hostHeader + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "\r\n";
    return r.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The server's {@code 101} answer to a request with {@code key}. */
  public static byte[] response(String key) {
    String r = "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept(key) + "\r\n"
        + "\r\n";
    return r.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The server's refusal with {@code status}; the connection closes after it. */
  public static byte[] refusal(int status) {
    String reason = switch (status) {
      case 426 -> "Upgrade Required";
      case 405 -> "Method Not Allowed";
      default -> "Bad Request";
    };
    String r = "HTTP/1.1 " + status + " " + reason + "\r\n"
        + (status == 426 ? "Sec-WebSocket-Version: 13\r\n" : "")
        + "Connection: close\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";
    return r.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Splits an HTTP head into its start line and headers. A header line whose name is not a token
   * (RFC 9110 section 5.6.2: no control characters, whitespace or separators, also none before the
   * colon), or more than {@value #MAX_HEADER_LINES} header lines, is refused with status 400.
   */
  public static Head parse(String head) throws ProtocolViolationException {
    String[] lines = head.split("\r\n", -1);
    // a head ends with "\r\n\r\n": the split gives two empty strings at the end
    int n = lines.length - 2;
    if (n < 1 || lines[0].isEmpty()) {
      throw new Refused(400, "empty HTTP head");
    }
    if (n - 1 > MAX_HEADER_LINES) {
      throw new Refused(400, (n - 1) + " header lines (limit " + MAX_HEADER_LINES + ")");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < n; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line, colon)) {
        // RFC 9112 section 5: the name is a token, with no whitespace before the colon
        throw new Refused(400, "malformed header line: " + abbreviate(line));
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    return new Head(lines[0], headers);
  }

  /** Whether {@code s[0, end)} is an HTTP token (RFC 9110 section 5.6.2), as header names are. */
  private static boolean isToken(String s, int end) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** Checks a client's request; returns its {@code Sec-WebSocket-Key}. */
  public static String checkRequest(Head h) throws Refused {
    String[] parts = h.startLine().split(" ", -1);
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      throw new Refused(400, "malformed request line: " + abbreviate(h.startLine()));
    }
    if (!parts[0].equals("GET")) {
      throw new Refused(405, "method " + abbreviate(parts[0]) + " (expected: GET)");
    }
    if (!hasToken(h.header("upgrade"), "websocket")) {
      throw new Refused(400, "no 'Upgrade: websocket' header");
    }
    if (!hasToken(h.header("connection"), "upgrade")) {
      throw new Refused(400, "no 'Connection: Upgrade' header");
    }
    String version = h.header("sec-websocket-version");
    if (!"13".equals(version)) {
      throw new Refused(426, "Sec-WebSocket-Version " + (version == null ? "missing" : abbreviate(version)) + " (expected: 13)");
    }
    String key = h.header("sec-websocket-key");
    if (key == null) {
      throw new Refused(400, "no Sec-WebSocket-Key header");
    }
    byte[] k;
    try {
      k = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, "Sec-WebSocket-Key is not base64: " + abbreviate(key));
    }
    if (k.length != 16) {
      throw new Refused(400, "Sec-WebSocket-Key of " + k.length + " bytes (expected: 16)");
    }
    return key;
  }

  /** Checks the server's answer to our request with {@code key}. */
  public static void checkResponse(Head h, String key) throws ProtocolViolationException {
    String[] parts = h.startLine().split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new ProtocolViolationException("WebSocket handshake: malformed status line: " + abbreviate(h.startLine()));
    }
    if (!parts[1].equals("101")) {
      throw new ProtocolViolationException("WebSocket handshake: server answered " + abbreviate(h.startLine()) + " (expected: 101 Switching Protocols)");
    }
    if (!hasToken(h.header("upgrade"), "websocket")) {
      throw new ProtocolViolationException("WebSocket handshake: no 'Upgrade: websocket' in the answer");
    }
    if (!hasToken(h.header("connection"), "upgrade")) {
      throw new ProtocolViolationException("WebSocket handshake: no 'Connection: Upgrade' in the answer");
    }
    String got = h.header("sec-websocket-accept");
    String expected = accept(key);
    if (!expected.equals(got)) {
      throw new ProtocolViolationException("WebSocket handshake: Sec-WebSocket-Accept " + (got == null ? "missing" : abbreviate(got)) + " (expected: " + expected + ")");
    }
    if (h.header("sec-websocket-extensions") != null) {
      throw new ProtocolViolationException("WebSocket handshake: server chose extensions we did not offer: " + abbreviate(h.header("sec-websocket-extensions")));
    }
  }

  private static boolean hasToken(String value, String token) {
    if (value == null) {
      return false;
    }
    for (String t : value.split(",")) {
      if (t.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() <= 80 ? clean : clean.substring(0, 80) + "...";
  }
}
