// One cold start: a fresh process that imports its client library, connects, and exits at ready.
// Prints { bootMs, coldMs, connectMs }: bootMs = process start → this script's first line (Node
// itself); coldMs = first line → ready (importing the library and its dependencies, connecting);
// connectMs = library imported → ready (the first connect in a fresh process, import excluded).
// Nothing is imported before the clock: no player is created, so the fake Discord is a few lines.
// With --marks it also prints `marksUs`, [imported, ready] on the monotonic clock of V8's CPU
// profiles, so bench/lib/profile-cold.mjs can cut a `--cpu-prof` profile to the connect.
//   node bench/scenarios/connect-cold-child.mjs --client=empty|floor|lavafleet|... --port= --password=
//        [--marks]
const scriptStart = performance.now();

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [key, value] = a.replace(/^--/, '').split('=');
    return [key, value ?? true];
  }),
);
const node = {
  name: 'A',
  port: Number(args.port),
  url: `http://127.0.0.1:${args.port}`,
  password: args.password,
};
const userId = '1100000000000000001';
let importedAt = scriptStart;
let importedUs = process.hrtime.bigint() / 1000n;
const discord = {
  name: 'cold-start',
  getUserId: () => userId,
  waitForUserId: () => Promise.resolve(userId),
  sendVoiceStateUpdate() {},
  onVoicePacket: () => () => {},
  destroy() {},
};

async function connect() {
  if (args.client === 'empty') return;
  if (args.client === 'floor') {
    // The floor: a bare ws client, handshake → ready op.
    const { default: WebSocket } = await import('ws');
    importedUs = process.hrtime.bigint() / 1000n;
    importedAt = performance.now();
    const socket = new WebSocket(`ws://127.0.0.1:${args.port}/v4/websocket`, {
      headers: { Authorization: args.password, 'User-Id': userId, 'Client-Name': 'floor/1.0' },
      perMessageDeflate: false,
    });
    await new Promise((resolve) => socket.once('message', resolve));
    return;
  }
  const { loadClientClass } = await import('../lib/clients.mjs');
  const Client = await loadClientClass(args.client);
  importedUs = process.hrtime.bigint() / 1000n;
  importedAt = performance.now();
  await new Client([node], { discord, track: null }).ready();
}

await connect();
const readyAt = performance.now();
const readyUs = process.hrtime.bigint() / 1000n;
const result = { bootMs: scriptStart, coldMs: readyAt - scriptStart, connectMs: readyAt - importedAt };
if (args.marks) result.marksUs = [Number(importedUs), Number(readyUs)];
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
