// One adapter per client library, so every scenario drives lavafleet, Shoukaku and lavalink-client
// through the same small interface, against the same emulator and the same fake Discord gateway.
//
//   ready()                      resolves when the client can create players (every node, or the first)
//   createPlaying(guildId, opts) joins voice and starts the shared track; resolves when the client does
//   setVolume(guildId, volume)   one PATCH on an existing player
//   onPlayerUpdate(listener)     the client's public per-update event
//   close()                      tears everything down without reconnecting
//
// Each adapter lives in clients/<name>.mjs and imports only its own library (cold starts stay fair).
export const CLIENTS = ['lavafleet', 'shoukaku', 'lavalink-client'];

const MODULES = {
  lavafleet: ['./clients/lavafleet.mjs', 'LavafleetClient'],
  'lavafleet-node': ['./clients/lavafleet.mjs', 'LavafleetNodeClient'],
  shoukaku: ['./clients/shoukaku.mjs', 'ShoukakuClient'],
  'lavalink-client': ['./clients/lavalink-client.mjs', 'LavalinkClientClient'],
};

export async function loadClientClass(kind) {
  const entry = MODULES[kind];
  if (!entry) throw new Error(`unknown client ${kind}`);
  const module = await import(entry[0]);
  return module[entry[1]];
}

/** `nodes`: [{ name, port, url, password }]; `options`: per-client extras (listed in RESULTS.md). */
export async function createClient(kind, nodes, options = {}) {
  const { createHarness } = await import('./harness.mjs');
  const Client = await loadClientClass(kind);
  return new Client(nodes, createHarness(), options);
}
