/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return --
   these tests read Lavalink's JSON exactly as the server sent it, untyped on purpose. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { RawClient, VOICE, encodedOf, fakeClock, rest, waitUntil } from './emulator-harness.js';

let emulator: LavalinkEmulator;
let clock: ReturnType<typeof fakeClock>;
let client: RawClient & { sessionId: string };
const opened: RawClient[] = [];

async function connect(headers: Record<string, string> = {}): Promise<RawClient & { sessionId: string }> {
  const connected = await RawClient.connect(emulator, headers);
  opened.push(connected);
  return connected;
}

beforeEach(async () => {
  clock = fakeClock();
  emulator = new LavalinkEmulator({ now: clock.now });
  await emulator.start();
  client = await connect();
});

afterEach(async () => {
  for (const each of opened.splice(0)) each.close();
  await emulator.stop();
});

async function enableResuming(timeout = 60): Promise<void> {
  const result = await rest(emulator, 'PATCH', `/v4/sessions/${client.sessionId}`, {
    resuming: true,
    timeout,
  });
  expect(result.json).toEqual({ resuming: true, timeout });
}

async function play(guildId: string, length = 10_000): Promise<void> {
  const encoded = await encodedOf(emulator, `emulator:track?title=g${guildId}&length=${length}`);
  const path = `/v4/sessions/${client.sessionId}/players/${guildId}`;
  expect((await rest(emulator, 'PATCH', path, { track: { encoded }, voice: VOICE })).status).toBe(200);
}

describe('LavalinkEmulator session resuming', () => {
  it('replays queued events and stats in order, then one playerUpdate per player', async () => {
    await enableResuming();
    await play('1', 5000);
    await play('2', 60_000);
    expect(emulator.dropConnection(client.sessionId)).toBe(1);
    expect(await client.waitClosed()).toBe(1006);
    expect(emulator.sessions()).toEqual([
      expect.objectContaining({ id: client.sessionId, status: 'paused', connected: false }),
    ]);
    expect((await rest(emulator, 'GET', `/v4/sessions/${client.sessionId}/players`)).json.message).toBe(
      'Session not found',
    );

    clock.advance(5000);
    emulator.tick(); // guild 1 finishes while paused
    emulator.sendStats();
    emulator.sendPlayerUpdates(); // never queued
    emulator.finishTrack(client.sessionId, '2', 'cleanup');

    const resumed = await connect({ 'Session-Id': client.sessionId });
    expect(resumed.resumedHeader).toBe('true');
    expect(resumed.frames[0]).toEqual({ op: 'ready', resumed: true, sessionId: client.sessionId });
    await waitUntil(() => resumed.frames.length >= 6);
    const order = resumed.frames
      .slice(1)
      .map((frame) => (frame.op === 'event' ? `${frame.type}:${frame.guildId}` : frame.op));
    expect(order).toEqual(['TrackEndEvent:1', 'stats', 'TrackEndEvent:2', 'playerUpdate', 'playerUpdate']);
    expect(resumed.frames[1].reason).toBe('finished');
    expect(emulator.sessions()[0]).toMatchObject({ status: 'connected', resuming: true, timeout: 60 });
    expect((await rest(emulator, 'GET', `/v4/sessions/${client.sessionId}/players`)).json).toHaveLength(2);
  });

  it('players keep playing while paused', async () => {
    await enableResuming();
    await play('1');
    client.ws.close();
    await waitUntil(() => emulator.sessions()[0]?.status === 'paused');
    clock.advance(3000);
    expect(emulator.player(client.sessionId, '1')!.state.position).toBe(3000);
    const resumed = await connect({ 'Session-Id': client.sessionId });
    const update = await resumed.next((frame) => frame.op === 'playerUpdate');
    expect(update.state).toMatchObject({ position: 3000, connected: true });
  });

  it('destroys a session without resuming when its socket closes', async () => {
    await play('1');
    client.close();
    await waitUntil(() => emulator.sessions().length === 0);
    const fresh = await connect({ 'Session-Id': client.sessionId });
    expect(fresh.resumedHeader).toBe('false');
    expect(fresh.frames[0]).toMatchObject({ op: 'ready', resumed: false });
    expect(fresh.sessionId).not.toBe(client.sessionId);
    expect((await rest(emulator, 'GET', '/v4/stats')).json.players).toBe(0);
  });

  it('expires the session when the window ends', async () => {
    await enableResuming(10);
    await play('1');
    emulator.dropConnection();
    clock.advance(9_999);
    emulator.tick();
    expect(emulator.sessions()).toHaveLength(1);
    clock.advance(1);
    emulator.tick();
    expect(emulator.sessions()).toEqual([]);
    const fresh = await connect({ 'Session-Id': client.sessionId });
    expect(fresh.resumedHeader).toBe('false');
    expect(fresh.sessionId).not.toBe(client.sessionId);
  });

  it('expireSession ends a paused session only', async () => {
    await enableResuming();
    expect(emulator.expireSession(client.sessionId)).toBe(false);
    emulator.dropConnection(client.sessionId);
    expect(emulator.expireSession(client.sessionId)).toBe(true);
    expect(emulator.sessions()).toEqual([]);
  });

  it('cannot resume without session support', async () => {
    for (const each of opened.splice(0)) each.close();
    await emulator.stop();
    emulator = new LavalinkEmulator({ sessionSupport: false });
    await emulator.start();
    client = await connect();
    emulator.dropConnection();
    expect(emulator.sessions()).toEqual([]);
    expect((await connect({ 'Session-Id': client.sessionId })).resumedHeader).toBe('false');
  });
});
