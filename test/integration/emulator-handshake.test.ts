/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   these tests read Lavalink's JSON exactly as the server sent it, untyped on purpose. */
import { createConnection } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { RawClient, USER_ID, handshakeStatus, rest, waitUntil } from './emulator-harness.js';

let emulator: LavalinkEmulator;

beforeEach(async () => {
  emulator = new LavalinkEmulator();
  await emulator.start();
});

afterEach(async () => {
  await emulator.stop();
});

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('LavalinkEmulator handshake', () => {
  it('listens on 127.0.0.1 with a free port', () => {
    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.wsUrl).toBe(`ws://127.0.0.1:${emulator.port}/v4/websocket`);
  });

  it('answers 401 to a wrong or missing password and 400 to a bad User-Id', async () => {
    expect(await handshakeStatus(emulator, { Authorization: 'nope', 'User-Id': USER_ID })).toBe(401);
    expect(await handshakeStatus(emulator, { 'User-Id': USER_ID })).toBe(401);
    expect(await handshakeStatus(emulator, { Authorization: emulator.password })).toBe(400);
    expect(await handshakeStatus(emulator, { Authorization: emulator.password, 'User-Id': '' })).toBe(400);
    expect(await handshakeStatus(emulator, { Authorization: emulator.password, 'User-Id': '0' })).toBe(400);
    // Client-Name is optional: Lavalink only warns.
    expect(await handshakeStatus(emulator, { Authorization: emulator.password, 'User-Id': USER_ID })).toBe(
      101,
    );
    expect(emulator.requestCount('websocket')).toBe(6);
  });

  it('sends ready then stats, with Session-Resumed and the API version headers', async () => {
    const client = await RawClient.connect(emulator);
    expect(client.resumedHeader).toBe('false');
    expect(client.response.headers['lavalink-api-version']).toBe('4');
    expect(client.frames[0]).toEqual({ op: 'ready', resumed: false, sessionId: client.sessionId });
    expect(client.sessionId).toMatch(/^[a-z0-9]{16}$/);
    const stats = await client.next();
    expect(stats).toMatchObject({ op: 'stats', players: 0, playingPlayers: 0, frameStats: null });
    expect(stats.memory).toEqual(
      expect.objectContaining({ free: expect.any(Number), reservable: expect.any(Number) }),
    );
    expect(emulator.sessions()).toEqual([
      expect.objectContaining({
        id: client.sessionId,
        status: 'connected',
        connected: true,
        resuming: false,
        timeout: 60,
      }),
    ]);
    client.close();
  });

  it('rejects scripted handshakes, then accepts again', async () => {
    expect(emulator.refusesHandshakes).toBe(false);
    emulator.rejectHandshake(503, 2);
    expect(emulator.refusesHandshakes).toBe(true);
    const headers = { Authorization: emulator.password, 'User-Id': USER_ID };
    expect(await handshakeStatus(emulator, headers)).toBe(503);
    expect(await handshakeStatus(emulator, headers)).toBe(503);
    expect(emulator.refusesHandshakes).toBe(false);
    expect(await handshakeStatus(emulator, headers)).toBe(101);
  });

  it('closes every socket with 1001 on stop', async () => {
    const client = await RawClient.connect(emulator);
    await emulator.stop();
    expect(await client.waitClosed()).toBe(1001);
    expect(emulator.sessions()).toEqual([]);
    await emulator.stop();
  });

  it('kill resets the sockets, refuses connections and loses every session', async () => {
    const client = await RawClient.connect(emulator);
    await emulator.kill();
    expect(await client.waitClosed()).toBe(1006);
    expect(emulator.sessions()).toEqual([]);
    expect(await connectionRefused(emulator.port)).toBe(true);
    await emulator.stop();
  });

  it('restart without keepSessions is a fresh server on the same port', async () => {
    const port = emulator.port;
    const client = await RawClient.connect(emulator);
    await emulator.restart();
    expect(emulator.port).toBe(port);
    await client.waitClosed();
    const again = await RawClient.connect(emulator, { 'Session-Id': client.sessionId });
    expect(again.resumedHeader).toBe('false');
    expect(again.sessionId).not.toBe(client.sessionId);
    again.close();
  });

  it('restart with keepSessions keeps resuming sessions resumable', async () => {
    const client = await RawClient.connect(emulator);
    await rest(emulator, 'PATCH', `/v4/sessions/${client.sessionId}`, { resuming: true, timeout: 30 });
    await emulator.restart({ keepSessions: true });
    await client.waitClosed();
    expect(emulator.sessions()).toEqual([
      expect.objectContaining({ id: client.sessionId, status: 'paused' }),
    ]);
    const again = await RawClient.connect(emulator, { 'Session-Id': client.sessionId });
    expect(again.resumedHeader).toBe('true');
    expect(again.frames[0]).toEqual({ op: 'ready', resumed: true, sessionId: client.sessionId });
    again.close();
  });

  it('freeze leaves pings unanswered and holds REST and frames until unfreeze', async () => {
    const client = await RawClient.connect(emulator);
    await client.next((frame) => frame.op === 'stats');
    emulator.freeze();
    let ponged = false;
    client.ws.once('pong', () => (ponged = true));
    client.ws.ping();
    let answered = false;
    const pending = rest(emulator, 'GET', '/version').then((result) => {
      answered = true;
      return result;
    });
    emulator.sendStats();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(ponged).toBe(false);
    expect(answered).toBe(false);
    expect(client.pending()).toEqual([]);
    emulator.unfreeze();
    expect((await pending).text).toBe('4.2.2');
    expect((await client.next()).op).toBe('stats');
    const pong = new Promise((resolve) => client.ws.once('pong', resolve));
    client.ws.ping();
    await pong;
    client.close();
  });

  it('delays frames and REST answers with setLatency', async () => {
    emulator.setLatency({ restMs: 30, wsMs: 30 });
    const started = performance.now();
    await rest(emulator, 'GET', '/version');
    expect(performance.now() - started).toBeGreaterThanOrEqual(28);
    const connectStarted = performance.now();
    const client = await RawClient.connect(emulator);
    expect(performance.now() - connectStarted).toBeGreaterThanOrEqual(28);
    emulator.setLatency({ restMs: 0, wsMs: 0 });
    client.close();
  });

  it('delays only the answer with restReplyMs: the request has taken effect before it', async () => {
    const client = await RawClient.connect(emulator);
    emulator.setLatency({ restReplyMs: 40 });
    let answered = false;
    const pending = rest(emulator, 'PATCH', `/v4/sessions/${client.sessionId}/players/1`, {
      volume: 50,
    }).then((result) => {
      answered = true;
      return result;
    });
    await waitUntil(() => emulator.player(client.sessionId, '1') !== undefined);
    expect(answered).toBe(false);
    expect((await pending).status).toBe(200);
    emulator.setLatency({ restReplyMs: 0 });
    client.close();
  });

  it('sendRaw delivers arbitrary text and binary frames', async () => {
    const client = await RawClient.connect(emulator);
    await client.next((frame) => frame.op === 'stats');
    expect(emulator.sendRaw('{not json', client.sessionId)).toBe(1);
    emulator.sendRaw(JSON.stringify({ op: 'mystery' }));
    emulator.sendRaw('[1,2]');
    emulator.sendRaw(Buffer.from([1, 2, 3]));
    expect(await client.next()).toEqual({ op: '__unparsed__', text: '{not json' });
    expect(await client.next()).toEqual({ op: 'mystery' });
    expect(await client.next()).toEqual([1, 2]);
    await waitUntil(() => client.binary.length > 0);
    expect(client.binary).toEqual([Buffer.from([1, 2, 3])]);
    client.close();
  });

  it('ignores frames sent by the client', async () => {
    const client = await RawClient.connect(emulator);
    client.ws.send('{"op":"play"}');
    client.ws.send(Buffer.from([0xff]));
    expect((await rest(emulator, 'GET', `/v4/sessions/${client.sessionId}/players`)).json).toEqual([]);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.close();
  });
});
