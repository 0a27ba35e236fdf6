// One side of the libp2p test-plans transport-interop test, for js-libp2p, configured like the
// test-plans containers by environment variables: transport, muxer, security, is_dialer, ip,
// redis_addr, test_timeout_seconds. The listener RPUSHes its address to "listenerAddr"; the dialer
// BLPOPs it, dials, pings and prints {"handshakePlusOneRTTMillis": .., "pingRTTMilllis": ..}.
// Redis is spoken directly (RESP2) so that no client library is needed.

import net from 'node:net'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { tls } from '@libp2p/tls'
import { webSockets } from '@libp2p/websockets'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@libp2p/yamux'
import { mplex } from '@libp2p/mplex'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'

const env = (name, dflt) => {
  const v = process.env[name]
  if (v == null || v === '') {
    if (dflt === undefined) throw new Error(`environment variable ${name} is required`)
    return dflt
  }
  return v
}

function redis (addr) {
  const i = addr.lastIndexOf(':')
  const socket = net.connect(Number(addr.slice(i + 1)), addr.slice(0, i))
  let buffer = Buffer.alloc(0)
  const waiting = []
  socket.on('data', chunk => {
    buffer = Buffer.concat([buffer, chunk])
    while (waiting.length > 0) {
      const parsed = parse(buffer, 0)
      if (parsed == null) return
      buffer = buffer.subarray(parsed.end)
      waiting.shift()(parsed.value)
    }
  })
  const ready = new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  return {
    async command (...args) {
      await ready
      let out = `*${args.length}\r\n`
      for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`
      const reply = new Promise(resolve => waiting.push(resolve))
      socket.write(out)
      const value = await reply
      if (value instanceof Error) throw value
      return value
    },
    close () { socket.destroy() }
  }
}

function parse (buf, at) {
  const eol = buf.indexOf('\r\n', at)
  if (eol < 0) return null
  const type = String.fromCharCode(buf[at])
  const line = buf.toString('utf8', at + 1, eol)
  const next = eol + 2
  switch (type) {
    case '+': return { value: line, end: next }
    case '-': return { value: new Error(`redis: ${line}`), end: next }
    case ':': return { value: Number(line), end: next }
    case '$': {
      const n = Number(line)
      if (n < 0) return { value: null, end: next }
      if (buf.length < next + n + 2) return null
      return { value: buf.toString('utf8', next, next + n), end: next + n + 2 }
    }
    case '*': {
      const n = Number(line)
      if (n < 0) return { value: null, end: next }
      const items = []
      let end = next
      for (let k = 0; k < n; k++) {
        const item = parse(buf, end)
        if (item == null) return null
        items.push(item.value)
        end = item.end
      }
      return { value: items, end }
    }
    default: throw new Error(`redis: unexpected reply type ${type}`)
  }
}

function stack (transport, security, muxer, ip) {
  const proto = ip.includes(':') ? 'ip6' : 'ip4'
  let transports, listen
  switch (transport) {
    case 'tcp': transports = [tcp()]; listen = `/${proto}/${ip}/tcp/0`; break
    case 'ws': transports = [webSockets()]; listen = `/${proto}/${ip}/tcp/0/ws`; break
    // QUIC is secure and multiplexed by itself
    case 'quic-v1': return { transports: [quic()], listen: `/${proto}/${ip}/udp/0/quic-v1`, connectionEncrypters: [], streamMuxers: [] }
    default: throw new Error(`unsupported transport: ${transport}`)
  }
  const encrypters = { noise: () => noise(), tls: () => tls() }
  const muxers = { yamux: () => yamux(), mplex: () => mplex({ disconnectThreshold: 100_000 }) }
  if (encrypters[security] == null) throw new Error(`unsupported security: ${security}`)
  if (muxers[muxer] == null) throw new Error(`unsupported muxer: ${muxer}`)
  return { transports, listen, connectionEncrypters: [encrypters[security]()], streamMuxers: [muxers[muxer]()] }
}

async function main () {
  const transport = env('transport')
  const security = env('security', '')
  const muxer = env('muxer', '')
  const isDialer = env('is_dialer') === 'true'
  const ip = env('ip', '0.0.0.0')
  const timeoutMs = Number(env('test_timeout_seconds', '180')) * 1000
  const db = redis(env('redis_addr', 'redis:6379'))
  const s = stack(transport, security, muxer, ip)
  const node = await createLibp2p({
    addresses: { listen: isDialer ? [] : [s.listen] },
    transports: s.transports,
    connectionEncrypters: s.connectionEncrypters,
    streamMuxers: s.streamMuxers,
    services: { identify: identify(), ping: ping() }
  })
  try {
    if (isDialer) {
      const reply = await db.command('BLPOP', 'listenerAddr', String(Math.ceil(timeoutMs / 1000)))
      if (reply == null) throw new Error('no listener address in time')
      const start = performance.now()
      const addr = multiaddr(reply[1])
      await node.dial(addr, { signal: AbortSignal.timeout(timeoutMs) })
      const pingStart = performance.now()
      await node.services.ping.ping(addr, { signal: AbortSignal.timeout(timeoutMs) })
      const end = performance.now()
      console.log(JSON.stringify({ handshakePlusOneRTTMillis: end - start, pingRTTMilllis: end - pingStart }))
    } else {
      const addr = node.getMultiaddrs()[0]
      await db.command('RPUSH', 'listenerAddr', addr.toString())
      console.error(`transport-interop: listening on ${addr}`)
      await new Promise(resolve => setTimeout(resolve, timeoutMs))
    }
  } finally {
    db.close()
    await node.stop()
  }
}

main().then(() => process.exit(0), err => {
  console.error(`transport-interop: failed: ${err?.stack ?? err}`)
  process.exit(1)
})
