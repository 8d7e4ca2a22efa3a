// The askpass program ssh runs (SSH_ASKPASS, via askpass.sh): sends ssh's prompt to the editor over the private
// socket named in the environment and prints the answer for ssh. Exit 1 (ssh gives up) on cancel or any error.
import net from 'node:net';
import { ASKPASS_ENV, encode, parseReply } from '../core/host/askpass';

const socket = process.env[ASKPASS_ENV.socket];
const token = process.env[ASKPASS_ENV.token];
if (!socket || !token) process.exit(1);

const client = net.connect(socket);
let buffer = '';
let answered = false;
client.setEncoding('utf8');
client.on('connect', () => client.write(encode({ token, host: process.env[ASKPASS_ENV.host] ?? '', prompt: process.argv[2] ?? '' })));
client.on('data', (chunk: string) => {
  buffer += chunk;
  if (buffer.length > 16_384) process.exit(1);
  const end = buffer.indexOf('\n');
  if (end < 0) return;
  const reply = parseReply(buffer.slice(0, end));
  answered = true;
  client.destroy();
  if ('cancelled' in reply) process.exit(1);
  process.stdout.write(`${reply.answer}\n`, () => process.exit(0));
});
client.on('error', () => process.exit(1));
client.on('close', () => {
  if (!answered) process.exit(1);
});
