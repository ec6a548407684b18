// Resume: `sessions` clients, each with `players` playing players, lose their connection while the
// server stays alive; count the sessions that come back resumed (same Lavalink session, every player
// still there and still playing from where it was) with no code beyond each client's normal setup.
//   --mode=outage  the socket is reset and handshakes are refused (503) for 1 s, then accepted
//   --mode=blip    the socket is reset; the server accepts a reconnect at once
//   node bench/scenarios/resume.mjs --client=... [--mode=outage] [--sessions=5] [--players=3] [--windowMs=8000]
import { createClient } from '../lib/clients.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { guildId, parseArgs, report, sleep } from '../lib/stats.mjs';

const args = parseArgs();
const kind = args.client;
const mode = args.mode ?? 'outage';
const sessionCount = Number(args.sessions ?? 5);
const playersPerSession = Number(args.players ?? 3);
const windowMs = Number(args.windowMs ?? 8000);
const OUTAGE_MS = 1000;

// Each client's own resume settings, as its documentation asks (no code, only options).
const OPTIONS = {
  lavafleet: {},
  shoukaku: { shoukaku: { resume: true, resumeTimeout: 60 } },
  // lavalink-client has no resume option (resuming needs user code: see RESULTS.md). A 1 s retry
  // delay (default 10 s) only makes it reconnect inside the window.
  'lavalink-client': { node: { retryDelay: 1000 } },
};

const remote = await RemoteEmulators.start();
const emulator = await remote.start('A');
const node = [{ name: 'A', ...emulator }];

const sessions = [];
for (let s = 0; s < sessionCount; s++) {
  const client = await createClient(kind, node, OPTIONS[kind]);
  await client.ready();
  const guildIds = Array.from({ length: playersPerSession }, (_, i) => guildId(i, s * 1000));
  for (const id of guildIds) await client.createPlaying(id);
  sessions.push({ client, guildIds, sessionId: client.sessionIds()[0] });
}
await sleep(300);
for (const session of sessions) {
  session.before = await remote.call('players', { name: 'A', sessionId: session.sessionId });
}

const faultAt = performance.now();
if (mode === 'outage') await remote.call('rejectHandshake', { name: 'A', status: 503, count: 1_000_000 });
await remote.call('dropConnection', { name: 'A' });
if (mode === 'outage') setTimeout(() => void remote.call('resetFaults', { name: 'A' }), OUTAGE_MS);

async function check(session) {
  if (session.client.sessionIds()[0] !== session.sessionId) return false;
  const info = (await remote.call('sessions', { name: 'A' })).find((s) => s.id === session.sessionId);
  if (!info?.connected) return false;
  const players = await remote.call('players', { name: 'A', sessionId: session.sessionId });
  return session.before.every((before) => {
    const now = players.find((p) => p.guildId === before.guildId);
    return (
      session.client.hasPlayer(before.guildId) &&
      now !== undefined &&
      now.identifier === before.identifier &&
      !now.paused &&
      now.position >= before.position
    );
  });
}

// A session is settled once resumed, or once the client moved on without it: connected to another
// session id, or dropped the node altogether (it can no longer resume then).
function movedOn(session) {
  const current = session.client.sessionIds()[0];
  return current === undefined || (current !== null && current !== session.sessionId);
}
while (performance.now() - faultAt < windowMs) {
  for (const session of sessions) {
    if (session.resumedAfterMs !== undefined) continue;
    if (await check(session)) session.resumedAfterMs = performance.now() - faultAt;
    else if (session.movedOnAfterMs === undefined && movedOn(session))
      session.movedOnAfterMs = performance.now() - faultAt;
  }
  if (sessions.every((s) => s.resumedAfterMs !== undefined || s.movedOnAfterMs !== undefined)) break;
  await sleep(20);
}
// Still resumed half a second later: a client that tears its fresh socket down again (Shoukaku after
// a failed first attempt, see RESULTS.md) is not counted.
await sleep(500);
for (const session of sessions) {
  if (session.resumedAfterMs !== undefined && !(await check(session))) {
    session.lostAfterResumeMs = session.resumedAfterMs;
    session.resumedAfterMs = undefined;
  }
}
const finalState = [];
for (const session of sessions) {
  const players = await remote.call('players', { name: 'A', sessionId: session.sessionId });
  finalState.push({
    sessionIdKept: session.client.sessionIds()[0] === session.sessionId,
    movedOnAfterMs: session.movedOnAfterMs ?? null,
    lostAfterResumeMs: session.lostAfterResumeMs ?? null,
    serverPlayers: players.length,
    clientPlayers: session.guildIds.filter((id) => session.client.hasPlayer(id)).length,
  });
}
for (const session of sessions) await session.client.close();
remote.close();
report({
  client: kind,
  mode,
  sessions: sessionCount,
  playersPerSession,
  windowMs,
  resumed: sessions.filter((s) => s.resumedAfterMs !== undefined).length,
  resumedAfterMs: sessions.map((s) => s.resumedAfterMs ?? null),
  finalState,
});
process.exit(0);
