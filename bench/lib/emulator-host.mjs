// A child process that hosts LavalinkEmulator instances and obeys commands over IPC, so the server's
// CPU never counts against the client under test. Started by emulator-remote.mjs.
import { importTesting } from './dist.mjs';
import { startProfile, stopProfile } from './profile.mjs';

const { LavalinkEmulator } = await importTesting();
const emulators = new Map();

function get(name) {
  const emulator = emulators.get(name);
  if (!emulator) throw new Error(`no emulator named ${name}`);
  return emulator;
}

function playersOf(emulator) {
  const all = [];
  for (const session of emulator.sessions()) all.push(...emulator.players(session.id));
  return all;
}

/**
 * The emulator's own player objects (internal: `position()`, `track`, `paused`, `connected`), for
 * polls every few ms: the public `players()` serialises each player with its track, which at 1,000
 * players would cost the emulator more than the requests it is serving.
 */
function* livePlayers(emulator) {
  for (const session of emulator.node.sessions.values()) yield* session.players.values();
}

const commands = {
  async start({ name, options = {} }) {
    const emulator = new LavalinkEmulator(options);
    await emulator.start();
    emulators.set(name, emulator);
    return { port: emulator.port, url: emulator.url, password: emulator.password };
  },
  async stop({ name }) {
    await get(name).stop();
    emulators.delete(name);
    return true;
  },
  async kill({ name }) {
    await get(name).kill();
    return true;
  },
  async restart({ name, keepSessions = false }) {
    await get(name).restart({ keepSessions });
    return true;
  },
  dropConnection: ({ name }) => get(name).dropConnection(),
  rejectHandshake: ({ name, status, count }) => get(name).rejectHandshake(status, count),
  resetFaults: ({ name }) => get(name).resetFaults(),
  sessions: ({ name }) => get(name).sessions(),
  resetCounters: ({ name }) => get(name).resetCounters(),
  /** This process's CPU time (µs), to tell server-bound from client-bound wall times. */
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  counters: ({ name }) => get(name).counters(),
  /** A V8 CPU profile of this process (the emulators) between the two commands (see profile.mjs). */
  startProfile: ({ path }) => startProfile(path).then(() => true),
  stopProfile: ({ path }) => stopProfile(path).then(() => true),
  /** Players of every session (or one), reduced to what the scenarios check. */
  players: ({ name, sessionId }) => {
    const emulator = get(name);
    const list = sessionId === undefined ? playersOf(emulator) : emulator.players(sessionId);
    return list.map((p) => ({
      guildId: p.guildId,
      identifier: p.track?.info.identifier ?? null,
      position: p.state.position,
      paused: p.paused,
      volume: p.volume,
      connected: p.state.connected,
    }));
  },
  /**
   * Where every playing player of `name` is now: `{ at, positions: { guildId: ms } }`, `at` on this
   * process's clock, so two calls compare whatever happened to the emulators in between.
   */
  positions: ({ name }) => {
    const positions = {};
    for (const p of livePlayers(get(name)))
      if (p.track !== null && !p.paused) positions[p.guildId] = p.position();
    return { at: performance.now(), positions };
  },
  /** How many players play a track with voice connected, over every session. */
  playingCount: ({ name }) => {
    let count = 0;
    for (const p of livePlayers(get(name))) if (p.track !== null && !p.paused && p.connected) count++;
    return count;
  },
  /**
   * Sends `framesPerPlayer` playerUpdate frames per guild to every connected session. The frames are
   * serialised and framed (RFC 6455, unmasked text) up front and written to the TCP socket in 1 MB
   * writes, so the sender is never the bottleneck: the client reads full buffers as fast as it can,
   * and the CPU it spends per frame is its own parsing and dispatch, not the sender's pace.
   */
  async blast({ name, guildIds, framesPerPlayer }) {
    const emulator = get(name);
    const now = Date.now();
    const chunks = [];
    let parts = [];
    let size = 0;
    for (let round = 0; round < framesPerPlayer; round++) {
      for (const guildId of guildIds) {
        const payload = Buffer.from(
          JSON.stringify({
            op: 'playerUpdate',
            guildId,
            state: { time: now + round * 5000, position: 1000 + round * 5000, connected: true, ping: 5 },
          }),
        );
        const frame = wsTextFrame(payload);
        parts.push(frame);
        size += frame.length;
        if (size >= 1 << 20) {
          chunks.push(Buffer.concat(parts));
          parts = [];
          size = 0;
        }
      }
    }
    if (parts.length > 0) chunks.push(Buffer.concat(parts));
    // The emulator's sessions are internal; the bench reaches the TCP sockets under them directly.
    const sockets = [...emulator.node.sessions.values()]
      .map((session) => session.outbound?.transport)
      .filter((socket) => socket && !socket.destroyed);
    await Promise.all(
      sockets.map(async (socket) => {
        for (const chunk of chunks) {
          if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
        }
      }),
    );
    return framesPerPlayer * guildIds.length;
  },
  /**
   * Failover: notes where every player of `from` is, kills `from` (TCP reset), then polls `to` until
   * `expected` players play there (or `timeoutMs`). Position error = position on `to` minus where the
   * track should be (position on `from` at the kill + time since), per player.
   */
  async failover({ from, to, expected, timeoutMs, stallMs = Infinity, pollMs = 2 }) {
    const source = get(from);
    const target = get(to);
    const before = new Map(playersOf(source).map((p) => [p.guildId, p.state.position]));
    const killedAt = performance.now();
    await source.kill();
    let moved = 0;
    let doneAt = null;
    let progressAt = killedAt;
    for (;;) {
      const previous = moved;
      moved = 0;
      for (const p of livePlayers(target))
        if (p.track !== null && !p.paused && before.has(p.guildId)) moved++;
      if (moved >= expected) {
        doneAt = performance.now();
        break;
      }
      if (moved > previous) progressAt = performance.now();
      // Give up at the window's end, or when nothing moved for `stallMs` (a client that does not move).
      if (performance.now() - killedAt > timeoutMs || performance.now() - progressAt > stallMs) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    const measuredAt = performance.now();
    const errors = [];
    for (const p of livePlayers(target)) {
      const start = before.get(p.guildId);
      if (start === undefined || p.track === null) continue;
      errors.push(p.position() - (start + (measuredAt - killedAt)));
    }
    return {
      players: before.size,
      moved,
      stoppedAfterMs: measuredAt - killedAt,
      elapsedMs: doneAt === null ? null : doneAt - killedAt,
      positionErrorsMs: errors,
    };
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const handler = commands[cmd];
    if (!handler) throw new Error(`unknown command ${cmd}`);
    const result = await handler(args ?? {});
    process.send({ id, result: result ?? null });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });

/** An unmasked, final WebSocket text frame carrying `payload`. */
function wsTextFrame(payload) {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x81, length])
      : length < 65_536
        ? Buffer.from([0x81, 126, length >> 8, length & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = 0x81;
            h[1] = 127;
            h.writeBigUInt64BE(BigInt(length), 2);
            return h;
          })();
  return Buffer.concat([header, payload]);
}
