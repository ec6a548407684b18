/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   these tests read Lavalink's JSON exactly as the server sent it, untyped on purpose. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeTrack } from '../../src/protocol/track-codec.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import type { LavalinkEmulatorOptions } from '../../src/testing/index.js';
import { RawClient, encodedOf, rest, waitUntil } from './emulator-harness.js';

let emulator: LavalinkEmulator;
let client: RawClient & { sessionId: string };

async function boot(options: LavalinkEmulatorOptions = {}): Promise<void> {
  emulator = new LavalinkEmulator(options);
  await emulator.start();
  client = await RawClient.connect(emulator);
}

beforeEach(() => boot());

afterEach(async () => {
  client.close();
  await emulator.stop();
});

function errorBody(status: number, error: string, message: string, path: string) {
  return { timestamp: expect.any(Number), status, error, message, path };
}

describe('LavalinkEmulator REST basics', () => {
  it('answers 401 without and 403 with a wrong Authorization, both with an empty body', async () => {
    const missing = await rest(emulator, 'GET', '/v4/info', undefined, null);
    expect([missing.status, missing.text]).toEqual([401, '']);
    expect(missing.headers.get('lavalink-api-version')).toBe('4');
    const wrong = await rest(emulator, 'GET', '/version', undefined, 'wrong');
    expect([wrong.status, wrong.text]).toEqual([403, '']);
  });

  it('serves /version as plain text and /v4/info', async () => {
    const version = await rest(emulator, 'GET', '/version');
    expect(version.text).toBe('4.2.2');
    expect(version.headers.get('content-type')).toMatch(/^text\/plain/);
    const info = await rest(emulator, 'GET', '/v4/info');
    expect(info.headers.get('lavalink-api-version')).toBe('4');
    expect(info.json).toMatchObject({
      version: { semver: '4.2.2', major: 4, minor: 2, patch: 2, preRelease: null },
      git: { branch: expect.any(String), commit: expect.any(String) },
      sourceManagers: expect.arrayContaining(['youtube', 'soundcloud', 'http']),
      plugins: [],
    });
    expect(info.json.filters).toContain('timescale');
  });

  it('lists only enabled filters and refuses disabled ones', async () => {
    client.close();
    await emulator.stop();
    await boot({ disabledFilters: ['karaoke', 'timescale'] });
    const info = await rest(emulator, 'GET', '/v4/info');
    expect(info.json.filters).not.toContain('karaoke');
    const patch = await rest(emulator, 'PATCH', `/v4/sessions/${client.sessionId}/players/1`, {
      filters: { karaoke: {}, timescale: { speed: 2 }, rotation: null },
    });
    expect(patch.json).toEqual(
      errorBody(
        400,
        'Bad Request',
        'Following filters are disabled in the config: karaoke, timescale',
        patch.json.path,
      ),
    );
  });

  it('serves /v4/stats without op and frameStats', async () => {
    const stats = await rest(emulator, 'GET', '/v4/stats');
    expect(stats.json).toEqual({
      players: 0,
      playingPlayers: 0,
      uptime: expect.any(Number),
      memory: expect.any(Object),
      cpu: expect.any(Object),
    });
    emulator.setStats({ cpu: { systemLoad: 0.9 }, uptime: 1234 });
    expect((await rest(emulator, 'GET', '/v4/stats')).json).toMatchObject({
      uptime: 1234,
      cpu: { systemLoad: 0.9 },
    });
  });

  it('answers unknown paths with 404, wrong methods with 405, a bare GET on the socket path with 400', async () => {
    expect((await rest(emulator, 'GET', '/v4/nothing')).json).toMatchObject({
      status: 404,
      path: '/v4/nothing',
    });
    expect((await rest(emulator, 'POST', '/v4/info')).status).toBe(405);
    expect((await rest(emulator, 'GET', '/v4/websocket')).status).toBe(400);
  });

  it('adds a trace only when asked', async () => {
    const plain = await rest(emulator, 'GET', '/v4/loadtracks');
    expect(Object.keys(plain.json)).toEqual(['timestamp', 'status', 'error', 'message', 'path']);
    expect(plain.json.path).toBe('/v4/loadtracks');
    const traced = await rest(emulator, 'GET', '/v4/loadtracks?trace=true');
    expect(Object.keys(traced.json)).toEqual(['timestamp', 'status', 'error', 'trace', 'message', 'path']);
  });
});

describe('LavalinkEmulator route planner', () => {
  it('has none by default: status 204, free routes 500', async () => {
    expect((await rest(emulator, 'GET', '/v4/routeplanner/status')).status).toBe(204);
    const freeAll = await rest(emulator, 'POST', '/v4/routeplanner/free/all');
    expect(freeAll.json).toEqual(
      errorBody(
        500,
        'Internal Server Error',
        "Can't access disabled route planner",
        '/v4/routeplanner/free/all',
      ),
    );
    const freeOne = await rest(emulator, 'POST', '/v4/routeplanner/free/address', { address: '1.2.3.4' });
    expect(freeOne.status).toBe(500);
  });

  it('reports a configured planner and validates addresses', async () => {
    client.close();
    await emulator.stop();
    const planner = {
      class: 'RotatingIpRoutePlanner' as const,
      details: {
        ipBlock: { type: 'Inet6Address' as const, size: '18446744073709551616' },
        failingAddresses: [],
      },
    };
    await boot({ routePlanner: planner });
    expect((await rest(emulator, 'GET', '/v4/routeplanner/status')).json).toEqual(planner);
    const bad = await rest(emulator, 'POST', '/v4/routeplanner/free/address', { address: 'nope' });
    expect(bad.json).toMatchObject({ status: 400, message: 'Invalid address: nope' });
    expect((await rest(emulator, 'POST', '/v4/routeplanner/free/address', { address: '::1' })).status).toBe(
      204,
    );
    expect((await rest(emulator, 'POST', '/v4/routeplanner/free/all')).status).toBe(204);
  });
});

describe('LavalinkEmulator track routes', () => {
  it('loads every catalogue result type', async () => {
    const load = async (identifier: string) =>
      (await rest(emulator, 'GET', `/v4/loadtracks?identifier=${encodeURIComponent(identifier)}`)).json;
    expect((await load('ytsearch:never gonna')).loadType).toBe('search');
    expect((await load('scsearch:x')).data[0].info.sourceName).toBe('soundcloud');
    expect((await load('https://www.youtube.com/watch?v=dQw4w9WgXcQ')).data.info.identifier).toBe(
      'dQw4w9WgXcQ',
    );
    expect((await load('https://www.youtube.com/playlist?list=PL1')).loadType).toBe('playlist');
    expect(await load('ytsearch:__empty__')).toEqual({ loadType: 'empty', data: null });
    expect(await load('emulator:error?message=boom')).toEqual({
      loadType: 'error',
      data: {
        message: 'boom',
        severity: 'common',
        cause: expect.any(String),
        causeStackTrace: expect.any(String),
      },
    });
  });

  it('writes stream lengths as Java Long.MAX_VALUE', async () => {
    const result = await rest(emulator, 'GET', '/v4/loadtracks?identifier=emulator:stream');
    expect(result.text).toContain('"length":9223372036854775807');
    expect(result.json.data.info).toMatchObject({ isStream: true, isSeekable: false });
  });

  it('decodes tracks, with the alias parameter too', async () => {
    const encoded = await encodedOf(emulator, 'emulator:track?title=Decoded&length=1500');
    const one = await rest(emulator, 'GET', `/v4/decodetrack?encodedTrack=${encodeURIComponent(encoded)}`);
    expect(one.json).toMatchObject({
      encoded,
      info: { title: 'Decoded', length: 1500 },
      pluginInfo: {},
      userData: {},
    });
    const alias = await rest(emulator, 'GET', `/v4/decodetrack?track=${encodeURIComponent(encoded)}`);
    expect(alias.json.info.title).toBe('Decoded');
    const many = await rest(emulator, 'POST', '/v4/decodetracks', [encoded, encoded]);
    expect(many.json).toHaveLength(2);
  });

  it('answers decode errors like Lavalink', async () => {
    const missing = await rest(emulator, 'GET', '/v4/decodetrack');
    expect(missing.json).toEqual(
      errorBody(400, 'Bad Request', 'No track to decode provided', '/v4/decodetrack'),
    );
    expect((await rest(emulator, 'GET', '/v4/decodetrack?encodedTrack=AAAA')).status).toBe(500);
    const spotify = encodeTrack({
      title: 't',
      author: 'a',
      length: 1,
      identifier: 'i',
      isStream: false,
      sourceName: 'spotify',
    });
    expect(
      (await rest(emulator, 'GET', `/v4/decodetrack?encodedTrack=${encodeURIComponent(spotify)}`)).status,
    ).toBe(500);
    const empty = await rest(emulator, 'POST', '/v4/decodetracks', []);
    expect(empty.json).toEqual(
      errorBody(400, 'Bad Request', 'No tracks to decode provided', '/v4/decodetracks'),
    );
    expect((await rest(emulator, 'POST', '/v4/decodetracks', '{oops')).status).toBe(400);
  });
});

describe('LavalinkEmulator session routes', () => {
  it('answers 404 for unknown sessions on every session route', async () => {
    const base = '/v4/sessions/unknown0000000000';
    for (const [method, path] of [
      ['GET', `${base}/players`],
      ['GET', `${base}/players/1`],
      ['DELETE', `${base}/players/1`],
    ] as const) {
      expect((await rest(emulator, method, path)).json).toEqual(
        errorBody(404, 'Not Found', 'Session not found', path),
      );
    }
    expect((await rest(emulator, 'PATCH', `${base}/players/1`, {})).json.message).toBe('Session not found');
    expect((await rest(emulator, 'PATCH', base, { resuming: true })).json.message).toBe('Session not found');
  });

  it('answers 404 Player not found, 400 for a non-numeric guild id, 204 for DELETE of no player', async () => {
    const path = `/v4/sessions/${client.sessionId}/players`;
    expect((await rest(emulator, 'GET', `${path}/5`)).json).toEqual(
      errorBody(404, 'Not Found', 'Player not found', `${path}/5`),
    );
    expect((await rest(emulator, 'GET', `${path}/abc`)).json).toMatchObject({
      status: 400,
      error: 'Bad Request',
    });
    expect((await rest(emulator, 'PATCH', `${path}/abc`, {})).status).toBe(400);
    expect((await rest(emulator, 'DELETE', `${path}/5`)).status).toBe(204);
    expect((await rest(emulator, 'GET', path)).json).toEqual([]);
  });

  it('updates resuming and timeout', async () => {
    const path = `/v4/sessions/${client.sessionId}`;
    expect((await rest(emulator, 'PATCH', path, { resuming: true })).json).toEqual({
      resuming: true,
      timeout: 60,
    });
    expect((await rest(emulator, 'PATCH', path, { timeout: 5 })).json).toEqual({
      resuming: true,
      timeout: 5,
    });
    expect((await rest(emulator, 'PATCH', path, { timeout: 'x' })).status).toBe(400);
    expect(emulator.sessions()[0]).toMatchObject({ resuming: true, timeout: 5 });
  });

  it('has no session route without session support', async () => {
    client.close();
    await emulator.stop();
    await boot({ sessionSupport: false });
    expect(
      (await rest(emulator, 'PATCH', `/v4/sessions/${client.sessionId}`, { resuming: true })).status,
    ).toBe(404);
  });
});

describe('LavalinkEmulator scripted failures and counters', () => {
  it('fails the next requests of a route with the error body, then recovers', async () => {
    emulator.failNextRequests(2, { route: 'loadTracks', status: 503, message: 'overloaded' });
    const path = '/v4/loadtracks?identifier=ytsearch:a';
    expect((await rest(emulator, 'GET', '/v4/info')).status).toBe(200);
    expect((await rest(emulator, 'GET', path)).json).toEqual(
      errorBody(503, 'Service Unavailable', 'overloaded', '/v4/loadtracks'),
    );
    expect((await rest(emulator, 'GET', path)).status).toBe(503);
    expect((await rest(emulator, 'GET', path)).status).toBe(200);
  });

  it('matches path prefixes and defaults to 500', async () => {
    emulator.failNextRequests(1, { route: '/v4/sessions/' });
    const result = await rest(emulator, 'GET', `/v4/sessions/${client.sessionId}/players`);
    expect(result.json).toMatchObject({
      status: 500,
      error: 'Internal Server Error',
      message: 'Emulated failure',
    });
    expect((await rest(emulator, 'GET', `/v4/sessions/${client.sessionId}/players`)).status).toBe(200);
  });

  it('counts requests per route', async () => {
    emulator.resetCounters();
    await rest(emulator, 'GET', '/version');
    await rest(emulator, 'GET', '/version');
    await rest(emulator, 'PATCH', `/v4/sessions/${client.sessionId}/players/1`, { volume: 5 });
    await rest(emulator, 'GET', '/nope');
    expect(emulator.requestCount('version')).toBe(2);
    expect(emulator.requestCount('player')).toBe(1);
    expect(emulator.requestCount()).toBe(4);
    expect(emulator.counters()).toEqual({ version: 2, player: 1, unknown: 1 });
    emulator.resetCounters();
    expect(emulator.requestCount()).toBe(0);
  });

  it('lists the requests it has not answered yet: held by a freeze until the thaw', async () => {
    expect(emulator.pendingRequests()).toEqual([]);
    emulator.freeze();
    const path = `/v4/sessions/${client.sessionId}/players/1`;
    const answer = rest(emulator, 'PATCH', `${path}?noReplace=false`, { volume: 5 });
    await waitUntil(() => emulator.pendingRequests().length === 1);
    expect(emulator.pendingRequests()).toEqual([
      { method: 'PATCH', path, receivedAt: expect.any(Number) as number },
    ]);
    emulator.unfreeze();
    expect((await answer).status).toBe(200);
    expect(emulator.pendingRequests()).toEqual([]);
  });
});
