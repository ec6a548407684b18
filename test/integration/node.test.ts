import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { Node } from '../../src/node/node.js';
import type { NodeOptions } from '../../src/node/node-options.js';
import { AuthenticationError, LavalinkRestError, TimeoutError } from '../../src/errors.js';
import type { LavafleetError } from '../../src/errors.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { FakeClock } from '../helpers/fake-clock.js';

const USER_ID = '123456789012345678';
const voice = { token: 't', endpoint: 'e.discord.media', sessionId: 's', channelId: '42' };

let emulator: LavalinkEmulator;
const nodes: Node[] = [];

function makeNode(overrides: Partial<NodeOptions> = {}): Node {
  const node = new Node({
    uri: emulator.url,
    password: emulator.password,
    userId: USER_ID,
    identifier: 'main',
    heartbeatMs: 1000,
    requestTimeoutMs: 500,
    reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
    random: () => 0.5,
    ...overrides,
  });
  node.on('error', () => undefined);
  nodes.push(node);
  return node;
}

beforeEach(async () => {
  emulator = new LavalinkEmulator({ password: 'test-password' });
  await emulator.start();
});

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.close()));
  await emulator.stop();
});

describe('Node against the emulator', () => {
  it('connects: connecting → connected, ready with a session, resume configured', async () => {
    const node = makeNode();
    const events = recordEvents(node, ['statusChange', 'connect', 'ready']);
    await node.connect();
    expect(node.status).toBe('connected');
    expect(node.sessionId).toMatch(/^[a-z0-9]{16}$/);
    expect(events.names()).toEqual(['statusChange', 'connect', 'statusChange', 'ready']);
    expect(events.log[3]![1]).toMatchObject({ resumed: false, sessionId: node.sessionId });
    await waitFor(() => node.canResume === true, { what: 'resume configured' });
    expect(emulator.sessions()[0]).toMatchObject({ resuming: true, timeout: 60 });
    await waitFor(() => node.stats !== null, { what: 'stats' });
    expect(node.stats!.cpu.cores).toBeGreaterThan(0);
  });

  it('measures latency with WebSocket pings', async () => {
    const node = makeNode({ heartbeatMs: 20 });
    await node.connect();
    await waitFor(() => node.latencyMs !== null, { what: 'a pong' });
    expect(node.latencyMs).toBeGreaterThanOrEqual(0);
    expect(node.latencyMs).toBeLessThan(100);
  });

  it('fails fast on a wrong password: typed error, no retry loop', async () => {
    const node = makeNode({ password: 'wrong-password-xyz' });
    const reconnecting = recordEvents(node, ['reconnecting']);
    const error = await node.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as LavafleetError).code).toBe('ERR_AUTHENTICATION');
    expect((error as Error).message).toMatch(/password is wrong/);
    expect((error as Error).message).not.toContain('wrong-password-xyz');
    expect(node.status).toBe('disconnected');
    expect(reconnecting.log).toHaveLength(0);
    expect(emulator.requestCount('websocket')).toBe(1);
  });

  it('reconnects with backoff after a kill and a restart, and reports the lost session', async () => {
    const node = makeNode({ reconnect: { baseDelayMs: 5, maxDelayMs: 20 } });
    await node.connect();
    const first = node.sessionId!;
    const events = recordEvents(node, ['disconnect', 'reconnecting', 'statusChange']);
    await emulator.kill();
    await nextEvent(node, 'reconnecting', { filter: (e) => e.attempt >= 3 });
    expect(node.status).toBe('reconnecting');
    const attempts = events.log
      .filter(([n]) => n === 'reconnecting')
      .map(([, p]) => p as { attempt: number; delayMs: number });
    expect(attempts.map((a) => a.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    // The first retry after losing an established connection is immediate; later ones back off.
    expect(attempts[0]!.delayMs).toBe(0);
    for (const { attempt, delayMs } of attempts) {
      expect(delayMs).toBeLessThanOrEqual(Math.min(20, 5 * 2 ** (attempt - 1)));
    }
    const lost = nextEvent(node, 'sessionLost');
    await emulator.restart({ keepSessions: false });
    const { previousSessionId, sessionId } = await lost;
    expect(previousSessionId).toBe(first);
    expect(sessionId).not.toBe(first);
    expect(node.status).toBe('connected');
  });

  it('resumes inside the window: same session, players intact, events replayed', async () => {
    const node = makeNode();
    await node.connect();
    await waitFor(() => node.canResume === true);
    const sessionId = node.sessionId!;
    await node.rest
      .updatePlayer('1', { voice, track: { identifier: 'ytsearch:resume me' } })
      .catch(async () => {
        const loaded = await node.rest.loadTracks('ytsearch:resume me');
        if (loaded.loadType !== 'search') throw new Error('no search result');
        return node.rest.updatePlayer('1', { voice, track: { encoded: loaded.data[0]!.encoded } });
      });
    const resumed = nextEvent(node, 'resumed');
    emulator.dropConnection(sessionId);
    const ready = await nextEvent(node, 'ready');
    expect(ready).toMatchObject({ resumed: true, sessionId });
    const { players } = await resumed;
    expect(players).toHaveLength(1);
    expect(players[0]!.track).not.toBeNull();
    expect(node.sessionId).toBe(sessionId);
  });

  it('reports sessionLost when the session expired before the reconnect', async () => {
    const node = makeNode({ reconnect: { baseDelayMs: 30, maxDelayMs: 30, jitter: 'none' } });
    await node.connect();
    await waitFor(() => node.canResume === true);
    const sessionId = node.sessionId!;
    const lost = nextEvent(node, 'sessionLost');
    // The first retry is immediate; refuse it so the session can expire during the backoff after it.
    emulator.rejectHandshake(503, 1);
    const backingOff = nextEvent(node, 'reconnecting', { filter: (e) => e.attempt === 2 });
    emulator.dropConnection(sessionId);
    await backingOff;
    emulator.expireSession(sessionId);
    expect((await lost).previousSessionId).toBe(sessionId);
    expect(node.sessionId).not.toBe(sessionId);
  });

  it('resumes a session by id after a bot restart', async () => {
    const first = makeNode();
    await first.connect();
    await waitFor(() => first.canResume === true);
    const sessionId = first.sessionId!;
    await first.close();
    await waitFor(() => emulator.sessions().some((s) => s.id === sessionId && !s.connected), {
      what: 'paused session',
    });
    const second = makeNode({ sessionId });
    const ready = nextEvent(second, 'ready');
    await second.connect();
    expect(await ready).toMatchObject({ resumed: true, sessionId });
  });

  it('detects a frozen (half-open) server within two heartbeats', async () => {
    const node = makeNode({ heartbeatMs: 30 });
    await node.connect();
    expect(node.dropUnresponsive('test')).toBe(false); // pongs come: nothing to drop
    const log = recordEvents(node, ['pongOverdue', 'disconnect']);
    const started = Date.now();
    emulator.freeze();
    const disconnect = await nextEvent(node, 'disconnect');
    expect(disconnect.code).toBe(4000);
    expect(Date.now() - started).toBeLessThanOrEqual(2 * 30 + 40);
    // Suspected half a heartbeat after the ping, before the heartbeat gave up.
    expect(log.log[0]).toEqual(['pongOverdue', { node: node.identifier, overdueMs: 15 }]);
    expect(log.names()).toEqual(['pongOverdue', 'disconnect']);
    log.stop();
    emulator.unfreeze();
  });

  it('says a pong is overdue from the moment it is reported so, and no more once it comes', async () => {
    // Read as "waiting longer than the overdue time", it was not yet when the event fired (CI, once).
    const clock = new FakeClock();
    const node = makeNode({ heartbeatMs: 1_000, clock });
    await node.connect();
    await waitFor(() => node.latencyMs !== null, { what: 'the first pong' });
    emulator.withholdPongs();
    const overdue = nextEvent(node, 'pongOverdue');
    clock.advance(1_000); // a ping goes out
    clock.advance(99);
    expect(node.isPongOverdue).toBe(false);
    clock.advance(1);
    expect((await overdue).overdueMs).toBe(100);
    expect(node.isPongOverdue).toBe(true);
    emulator.withholdPongs(false);
    await node.close();
    expect(node.isPongOverdue).toBe(false);
  });

  it('does not drop a node for the bot’s own lag: a pong waiting in the socket counts', async () => {
    // A bot busy for longer than a heartbeat (a GC pause, a burst of work: soak seed 35 dropped all
    // three nodes while restoring 1,000 players) has its heartbeat fire before it reads the pong
    // that came meanwhile. The server runs in another thread, so it answers while this one is busy;
    // it speaks only the WebSocket side (ready, pongs), all this test needs.
    const server = new Worker(
      `const { WebSocketServer } = require('ws');
       const { parentPort } = require('node:worker_threads');
       const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
       wss.on('listening', () => parentPort.postMessage(wss.address().port));
       wss.on('connection', (ws) =>
         ws.send(JSON.stringify({ op: 'ready', resumed: false, sessionId: 'lagtest0000000000' })));`,
      { eval: true },
    );
    try {
      const port = await new Promise<number>((resolve) => server.once('message', resolve));
      const clock = new FakeClock();
      const node = makeNode({ uri: `http://127.0.0.1:${port}`, heartbeatMs: 1_000, clock });
      await node.connect();
      const log = recordEvents(node, ['disconnect']);
      for (let beat = 0; beat < 3; beat += 1) {
        // In a timer callback, as the heartbeat's own timer runs: then the I/O phase, then the rest.
        await new Promise<void>((resolve) =>
          setTimeout(() => {
            clock.advance(1_000); // a ping goes out (the previous one answered)
            const until = Date.now() + 30;
            while (Date.now() < until); // busy: the pong arrives but is not read yet
            clock.advance(1_000); // the next beat finds the ping unanswered
            resolve();
          }, 5),
        );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(log.log).toEqual([]);
      expect(node.status).toBe('connected');
      expect(node.latencyMs).not.toBeNull();
      // A pong that really does not come still drops it: the server's thread is gone.
      await server.terminate();
      clock.advance(1_000);
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(log.names()[0]).toBe('disconnect');
    } finally {
      await server.terminate();
    }
  });

  it('types REST errors and timeouts', async () => {
    const node = makeNode({ requestTimeoutMs: 40 });
    await node.connect();
    // A 5xx on an idempotent GET is retried: the retry gets the real answer.
    emulator.failNextRequests(1, { status: 500, route: 'player' });
    const retried = await node.rest.getPlayer('1').catch((e: unknown) => e);
    expect(retried).toMatchObject({ status: 404 });
    // Once the retries are used up, the 5xx surfaces, typed.
    emulator.failNextRequests(10, { status: 500, route: 'player' });
    const failed = await node.rest.getPlayer('1').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(LavalinkRestError);
    expect(failed).toMatchObject({ status: 500, method: 'GET' });
    emulator.resetFaults();
    // A PATCH that starts a track is never replayed.
    const before = emulator.requestCount('player');
    emulator.failNextRequests(1, { status: 503, route: 'player' });
    await expect(node.rest.updatePlayer('1', { volume: 50 })).rejects.toMatchObject({
      status: 503,
      method: 'PATCH',
    });
    expect(emulator.requestCount('player') - before).toBe(1);
    const missing = await node.rest.getPlayer('999').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, lavalinkMessage: 'Player not found' });
    emulator.freeze();
    const timedOut = await node.rest.info().catch((e: unknown) => e);
    emulator.unfreeze();
    expect(timedOut).toBeInstanceOf(TimeoutError);
  });

  it('carries on against a server without session support', async () => {
    await emulator.stop();
    emulator = new LavalinkEmulator({ password: 'test-password', sessionSupport: false });
    await emulator.start();
    const node = makeNode();
    await node.connect();
    await waitFor(() => node.canResume === false, { what: 'canResume false' });
    expect(node.status).toBe('connected');
  });

  it.each([
    ['not JSON', '{"op":', 'error'],
    ['binary garbage', Buffer.from([0xff, 0x00, 0x13]), 'error'],
    ['a JSON array', '[]', 'error'],
    ['no op', '{"x":1}', 'error'],
    ['malformed playerUpdate', '{"op":"playerUpdate","guildId":1}', 'error'],
    ['malformed stats', '{"op":"stats"}', 'error'],
    ['malformed event', '{"op":"event","type":"TrackEndEvent","guildId":"1"}', 'error'],
    ['unknown op', '{"op":"pluginThing","data":1}', 'raw'],
    ['unknown event', '{"op":"event","type":"LyricsFoundEvent","guildId":"1"}', 'raw'],
  ] as const)('survives %s', async (_name, frame, expected) => {
    const node = makeNode();
    await node.connect();
    const received = expected === 'error' ? nextEvent(node, 'error') : nextEvent(node, 'raw');
    emulator.sendRaw(frame, node.sessionId!);
    const payload = await received;
    if (expected === 'error') expect((payload as LavafleetError).code).toBe('ERR_MALFORMED_FRAME');
    else expect(payload).toHaveProperty('payload');
    expect(node.status).toBe('connected');
    // The connection still works after the bad frame.
    expect(await node.rest.getPlayers()).toEqual([]);
  });

  it('gives up on a handshake the server never answers within requestTimeoutMs, and retries', async () => {
    emulator.freeze();
    const node = makeNode({ requestTimeoutMs: 40 });
    const disconnect = nextEvent(node, 'disconnect');
    const connecting = node.connect();
    const event = await disconnect;
    expect(event.reason).toMatch(/no handshake and ready op from Lavalink within 40 ms/);
    expect(node.status).toBe('reconnecting');
    emulator.unfreeze();
    await connecting;
    expect(node.status).toBe('connected');
  });

  it('re-syncs a resumed session even when the server answers its first player reads with 5xx', async () => {
    // Found by the chaos soak: a burst of 5xx right after a resume failed the one GET, no `resumed`
    // came, and the pool never re-attached that session's players.
    const node = makeNode({ resume: { enabled: true, timeoutMs: 60_000 } });
    await node.connect();
    await waitFor(() => node.canResume === true, { what: 'resume configured' });
    await node.rest.updatePlayer('300000000000000001', { voice });
    const sessionId = node.sessionId!;
    const errors = recordEvents(node, ['error']);
    const resumed = nextEvent(node, 'resumed');
    emulator.failNextRequests(8, { route: 'players', status: 503 });
    emulator.dropConnection();
    const event = await resumed;
    expect(event.sessionId).toBe(sessionId);
    expect(event.players.map((p) => p.guildId)).toEqual(['300000000000000001']);
    expect(errors.log.length).toBeGreaterThan(0);
  });

  it('ignores a second ready on an open connection and keeps its session', async () => {
    const node = makeNode();
    await node.connect();
    const sessionId = node.sessionId!;
    const error = nextEvent(node, 'error');
    emulator.sendRaw(JSON.stringify({ op: 'ready', resumed: true, sessionId: 'bogus' }), sessionId);
    expect((await error).code).toBe('ERR_MALFORMED_FRAME');
    expect(node.sessionId).toBe(sessionId);
    expect(node.status).toBe('connected');
    expect(await node.rest.getPlayers()).toEqual([]);
  });

  it('gives up after maxAttempts with reconnectExhausted', async () => {
    const node = makeNode({ reconnect: { baseDelayMs: 1, maxDelayMs: 2, infinite: false, maxAttempts: 3 } });
    await node.connect();
    const exhausted = nextEvent(node, 'reconnectExhausted');
    await emulator.kill();
    expect((await exhausted).attempts).toBe(3);
    expect(node.status).toBe('disconnected');
  });

  it('close() stops reconnecting and releases the socket', async () => {
    const node = makeNode();
    await node.connect();
    const events = recordEvents(node, ['reconnecting', 'disconnect']);
    await node.close();
    expect(node.status).toBe('disconnected');
    await waitFor(() => emulator.sessions().every((s) => !s.connected), { what: 'socket closed' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events.log).toEqual([]);
  });

  it('rejects pending connect() when closed', async () => {
    await emulator.kill();
    const node = makeNode();
    const pending = node.connect();
    await nextEvent(node, 'reconnecting');
    await node.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_NODE_CLOSED' });
  });
});
