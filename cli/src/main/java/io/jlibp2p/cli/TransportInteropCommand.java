package io.jlibp2p.cli;

import io.jlibp2p.core.Host;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.ping.Ping;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The transport-interop contract of libp2p/test-plans: configured by environment variables, the
 * listener publishes its address in Redis, the dialer takes it, dials, pings and prints the timings
 * as one JSON line on stdout. Logs go to stderr. Any failure exits non-zero.
 */
@Command(
    name = "transport-interop",
    mixinStandardHelpOptions = true,
    description = "Run one side of the libp2p test-plans transport-interop test (configured by the"
        + " environment: transport, muxer, security, is_dialer, ip, redis_addr, test_timeout_seconds).")
final class TransportInteropCommand implements Callable<Integer> {
  private final Map<String, String> env;

  TransportInteropCommand() {
    this(System.getenv());
  }

  TransportInteropCommand(Map<String, String> env) {
    this.env = env;
  }

  private String env(String name, String fallback) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) {
      if (fallback == null) {
        throw new IllegalArgumentException("environment variable " + name + " is required");
      }
      return fallback;
    }
    return v;
  }

  @Override
  public Integer call() {
    try {
      String transport = env("transport", null);
      String muxer = env("muxer", "");
      String security = env("security", "");
      boolean dialer = Boolean.parseBoolean(env("is_dialer", null));
      String ip = env("ip", "0.0.0.0");
      String redisAddr = env("redis_addr", "redis:6379");
      Duration timeout = Duration.ofSeconds(Long.parseLong(env("test_timeout_seconds", "180")));
      log("transport=" + transport + " security=" + security + " muxer=" + muxer + " dialer=" + dialer
          + " ip=" + ip + " redis=" + redisAddr);

      Libp2p.Builder b = Libp2p.builder().dialTimeout(timeout);
      String listen = Stacks.configure(b, transport, security, muxer, ip);
      try (RedisClient redis = new RedisClient(redisAddr, Duration.ofSeconds(10))) {
        if (dialer) {
          return dial(b, redis, timeout);
        }
        b.listen(listen);
        try (Host host = b.build()) {
          Multiaddr addr = host.listenAddresses().getFirst();
          String full = addr + "/p2p/" + host.peerId();
          redis.rpush("listenerAddr", full);
          log("listening on " + full);
          Thread.sleep(timeout.toMillis());
          return 0;
        }
      }
    } catch (InterruptedException e) {
      return 0;
    } catch (Exception e) {
      log("failed: " + e);
      return 1;
    }
  }

  private int dial(Libp2p.Builder b, RedisClient redis, Duration timeout) throws Exception {
    String addr = redis.blpop("listenerAddr", timeout);
    if (addr == null) {
      log("no listener address within " + timeout);
      return 1;
    }
    log("dialing " + addr);
    try (Host host = b.noListen().build()) {
      long start = System.nanoTime();
      PeerInfo peer = PeerInfo.parse(addr);
      host.connect(peer);
      List<Duration> rtt = Ping.ping(host, peer.peerId(), 1);
      long total = System.nanoTime() - start;
      System.out.printf(
          Locale.ROOT,
          "{\"handshakePlusOneRTTMillis\": %.3f, \"pingRTTMilllis\": %.3f}%n",
          total / 1e6,
          rtt.getFirst().toNanos() / 1e6);
      System.out.flush();
      return 0;
    }
  }

  private static void log(String message) {
    System.err.println("transport-interop: " + message);
  }
}
