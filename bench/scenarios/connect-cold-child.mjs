// One cold start: a fresh process that imports its client library, connects, and exits at ready.
// Prints { bootMs, coldMs, connectMs }: bootMs = process start → this script's first line (Node
// itself); coldMs = first line → ready (importing the library and its dependencies, connecting);
// connectMs = library imported → ready (the first connect in a fresh process, import excluded).
// Nothing is imported before the clock: no player is created, so the fake Discord is a few lines.
//   node bench/scenarios/connect-cold-child.mjs --client=empty|floor|lavafleet|... --port= --password=
const scriptStart = performance.now();

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const node = {
  name: 'A',
  port: Number(args.port),
  url: `http://127.0.0.1:${args.port}`,
  password: args.password,
};
const userId = '1100000000000000001';
let importedAt = scriptStart;
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
  importedAt = performance.now();
  await new Client([node], { discord, track: null }).ready();
}

await connect();
const readyAt = performance.now();
process.stdout.write(
  `${JSON.stringify({ bootMs: scriptStart, coldMs: readyAt - scriptStart, connectMs: readyAt - importedAt })}\n`,
);
process.exit(0);
