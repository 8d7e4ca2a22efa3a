#!/usr/bin/env node
// The smallest vhost-user net backend QEMU's -netdev vhost-user accepts: it answers the front-end's setup
// messages (features, owner, vring calls) so the netdev initialises, and never moves a frame. QEMU waits for
// a backend before it even reaches -S, so the parse check of vhost-user arguments needs one; the real ones
// (OVS-DPDK, VPP, DPDK testpmd) are hundreds of packages. Protocol: QEMU's docs/interop/vhost-user.rst.
//
//   node vhost-user-backend.mjs --listen PATH    the backend listens (QEMU's chardev without server=on)
//   node vhost-user-backend.mjs --connect PATH   QEMU listens (server=on); retried until QEMU is up
//
// It exits when QEMU closes the connection, or after 60 s in any case.
import net from 'node:net';
import { existsSync, unlinkSync } from 'node:fs';

const [mode, path] = process.argv.slice(2);
if ((mode !== '--listen' && mode !== '--connect') || !path) {
  process.stderr.write('usage: vhost-user-backend.mjs --listen|--connect SOCKET\n');
  process.exit(2);
}
setTimeout(() => process.exit(0), 60_000).unref();

const GET_FEATURES = 1;
const GET_PROTOCOL_FEATURES = 15;
const GET_QUEUE_NUM = 17;
const GET_VRING_BASE = 11;
const REPLY = 0x4;
const NEED_REPLY = 0x8;
const VERSION = 0x1;
/** VIRTIO_F_VERSION_1 | VHOST_USER_F_PROTOCOL_FEATURES | VIRTIO_NET_F_MRG_RXBUF: enough for virtio-net-pci. */
const FEATURES = (1n << 32n) | (1n << 30n) | (1n << 15n);
/** VHOST_USER_PROTOCOL_F_MQ: multiqueue, up to QUEUES queue pairs. */
const PROTOCOL_FEATURES = 1n;
const QUEUES = 16;

function reply(sock, request, payload) {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(request, 0);
  head.writeUInt32LE(VERSION | REPLY, 4);
  head.writeUInt32LE(payload.length, 8);
  sock.write(Buffer.concat([head, payload]));
}

function u64(v) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

function serve(sock) {
  let buf = Buffer.alloc(0);
  sock.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 12) {
      const request = buf.readUInt32LE(0);
      const flags = buf.readUInt32LE(4);
      const size = buf.readUInt32LE(8);
      if (buf.length < 12 + size) break;
      const payload = buf.subarray(12, 12 + size);
      buf = buf.subarray(12 + size);
      if (request === GET_FEATURES) reply(sock, request, u64(FEATURES));
      else if (request === GET_PROTOCOL_FEATURES) reply(sock, request, u64(PROTOCOL_FEATURES));
      else if (request === GET_QUEUE_NUM) reply(sock, request, u64(QUEUES));
      else if (request === GET_VRING_BASE) reply(sock, request, Buffer.from(payload.subarray(0, 8)));
      else if (flags & NEED_REPLY) reply(sock, request, u64(0));
    }
  });
  sock.on('close', () => process.exit(0));
  sock.on('error', () => process.exit(0));
}

if (mode === '--listen') {
  if (existsSync(path)) unlinkSync(path);
  const server = net.createServer(serve);
  server.listen(path);
} else {
  const attempt = () => {
    const sock = net.connect(path);
    sock.once('connect', () => serve(sock));
    sock.once('error', () => setTimeout(attempt, 50));
  };
  attempt();
}
