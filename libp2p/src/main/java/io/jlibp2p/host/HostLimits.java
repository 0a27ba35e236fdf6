package io.jlibp2p.host;

import java.time.Duration;

/**
 * The bounds of a host. Immutable; {@link #DEFAULT} holds the documented defaults.
 *
 * @param dialTimeout how long {@code connect} may take in all (dial, security, muxer)
 * @param handshakeTimeout how long one connection's upgrade (security and muxer negotiation) may
 *     take before the connection is dropped
 * @param negotiationTimeout how long an inbound stream may take to negotiate its protocol
 * @param maxConnections open connections at most; further inbound connections are refused
 * @param maxPendingUpgrades inbound connections being upgraded at once; more are refused
 * @param maxPendingDials outbound dial attempts in flight at once; more wait
 * @param maxEventBacklog host events queued for slow subscribers before new ones are dropped
 */
public record HostLimits(
    Duration dialTimeout,
    Duration handshakeTimeout,
    Duration negotiationTimeout,
    int maxConnections,
    int maxPendingUpgrades,
    int maxPendingDials,
    int maxEventBacklog) {

  /** 30 s dial, 15 s handshake, 10 s stream negotiation, 10,000 connections, 256 upgrades, 256 dials, 4,096 events. */
  public static final HostLimits DEFAULT =
      new HostLimits(
          Duration.ofSeconds(30),
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          10_000,
          256,
          256,
          4096);

  public HostLimits {
    requirePositive("dialTimeout", dialTimeout);
    requirePositive("handshakeTimeout", handshakeTimeout);
    requirePositive("negotiationTimeout", negotiationTimeout);
    requirePositive("maxConnections", maxConnections);
    requirePositive("maxPendingUpgrades", maxPendingUpgrades);
    requirePositive("maxPendingDials", maxPendingDials);
    requirePositive("maxEventBacklog", maxEventBacklog);
  }

  /** A copy with another dial timeout. */
  public HostLimits withDialTimeout(Duration d) {
    return new HostLimits(
        d, handshakeTimeout, negotiationTimeout, maxConnections, maxPendingUpgrades,
        maxPendingDials, maxEventBacklog);
  }

  /** A copy with another connection limit. */
  public HostLimits withMaxConnections(int n) {
    return new HostLimits(
        dialTimeout, handshakeTimeout, negotiationTimeout, n, maxPendingUpgrades, maxPendingDials,
        maxEventBacklog);
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  private static void requirePositive(String name, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException(name + ": " + n + " (expected: > 0)");
    }
  }
}
