import { afterEach, describe, expect, it } from 'vitest';
import { NodeRest } from '../../src/node/node-rest.js';
import type { NodeRestOptions, RestRequestEvent } from '../../src/node/node-rest-options.js';
import { json, startServer, type Handler, type RawServer } from './node-rest.server.js';

const PASSWORD = 'youshallnotpass';
const SESSION = 'abcdefghijklmnop';
const GUILD = '123456789012345678';
const LONG_MAX = '9223372036854775807';

const player = {
  guildId: GUILD,
  track: null,
  volume: 100,
  paused: false,
  state: { time: 1, position: 0, connected: true, ping: 5 },
  voice: { token: 't', endpoint: 'e', sessionId: 's', channelId: '1' },
  filters: {},
};
const info = {
  version: { semver: '4.2.2', major: 4, minor: 2, patch: 2, preRelease: null },
  buildTime: 1,
  git: { branch: 'main', commit: 'd7d5a54', commitTime: 1 },
  jvm: '21',
  lavaplayer: '2.2.4',
  sourceManagers: ['http'],
  filters: ['volume'],
  plugins: [],
};
const stats = {
  players: 1,
  playingPlayers: 0,
  uptime: 5,
  memory: { free: 1, used: 1, allocated: 2, reservable: 4 },
  cpu: { cores: 2, systemLoad: 0.1, lavalinkLoad: 0.05 },
};
const trackText =
  `{"encoded":"QAAA","info":{"identifier":"x","isSeekable":false,"author":"a","length":${LONG_MAX},` +
  `"isStream":true,"position":0,"title":"radio","uri":null,"artworkUrl":null,"isrc":null,` +
  `"sourceName":"http"},"pluginInfo":{},"userData":{}}`;

/** Answers like Lavalink for the routes NodeRest knows. */
const lavalinkLike: Handler = (req, res) => {
  const url = new URL(req.url ?? '', 'http://x');
  const route = `${req.method} ${url.pathname}`;
  const raw = (status: number, body: string, type = 'application/json') => {
    res.writeHead(status, body ? { 'Content-Type': type } : {});
    res.end(body);
  };
  if (route === 'GET /v4/loadtracks') return raw(200, `{"loadType":"search","data":[${trackText}]}`);
  if (route === 'GET /v4/decodetrack') return raw(200, trackText);
  if (route === 'POST /v4/decodetracks') return raw(200, `[${trackText},${trackText}]`);
  if (route === `GET /v4/sessions/${SESSION}/players`) return json(res, 200, [player]);
  if (route === `GET /v4/sessions/${SESSION}/players/${GUILD}`) return json(res, 200, player);
  if (route === `PATCH /v4/sessions/${SESSION}/players/${GUILD}`) return json(res, 200, player);
  if (route === `DELETE /v4/sessions/${SESSION}/players/${GUILD}`) return raw(204, '');
  if (route === `PATCH /v4/sessions/${SESSION}`) return json(res, 200, { resuming: true, timeout: 60 });
  if (route === 'GET /v4/info') return json(res, 200, info);
  if (route === 'GET /version') return raw(200, '4.2.2', 'text/plain');
  if (route === 'GET /v4/stats') return json(res, 200, stats);
  if (route === 'GET /v4/routeplanner/status') return raw(204, '');
  if (route.startsWith('POST /v4/routeplanner/free/')) return raw(204, '');
  if (route === 'GET /v4/plugin/echo') return json(res, 200, { query: url.search });
  if (route === 'GET /v4/plugin/text') return raw(200, 'plain words', 'text/plain');
  return json(res, 404, { status: 404, error: 'Not Found', message: 'no route', path: url.pathname });
};

let server: RawServer | undefined;
let rest: NodeRest | undefined;

afterEach(async () => {
  rest?.close();
  rest = undefined;
  await server?.close();
  server = undefined;
});

async function setUp(handler: Handler = lavalinkLike, options: Partial<NodeRestOptions> = {}) {
  server = await startServer(handler);
  rest = new NodeRest({ baseUrl: server.url, password: PASSWORD, sessionId: () => SESSION, ...options });
  return { server, rest };
}

describe('NodeRest over a real socket', () => {
  it('sends the raw password, a User-Agent, and JSON headers only with a body', async () => {
    const { server, rest } = await setUp();
    await rest.info();
    await rest.updatePlayer(GUILD, { volume: 50, paused: true });
    const [get, patch] = server.seen;
    expect(get?.headers.authorization).toBe(PASSWORD);
    expect(get?.headers['user-agent']).toBe('lavafleet');
    expect(get?.headers['content-type']).toBeUndefined();
    expect(patch?.headers['content-type']).toBe('application/json');
    expect(patch?.headers['content-length']).toBe(String(Buffer.byteLength(patch?.body ?? '')));
    expect(JSON.parse(patch?.body ?? '')).toEqual({ volume: 50, paused: true });
  });

  it('reuses one keep-alive socket for sequential requests', async () => {
    const { server, rest } = await setUp();
    for (let i = 0; i < 5; i += 1) await rest.stats();
    expect(new Set(server.seen.map((s) => s.remotePort)).size).toBe(1);
  });

  it('keeps the sockets of a burst for the next one instead of opening them again', async () => {
    // Restore bench: a failover's or a restore's moves go out a hundred or more at once; with only 16
    // sockets kept between bursts, every burst opened (and then closed) the rest again: half a second
    // of a 10,000-player restore went to connects and closes.
    const { server, rest } = await setUp();
    const burst = async (): Promise<Set<number>> => {
      const from = server.seen.length;
      await Promise.all(Array.from({ length: 64 }, () => rest.stats()));
      return new Set(server.seen.slice(from).map((s) => s.remotePort));
    };
    const first = await burst();
    expect(first.size).toBeGreaterThan(16);
    const second = await burst();
    for (const port of second) expect(first.has(port)).toBe(true);
  });

  it('never opens more than maxSockets connections', async () => {
    const { server, rest } = await setUp(lavalinkLike, { maxSockets: 2 });
    await Promise.all(Array.from({ length: 10 }, () => rest.stats()));
    expect(server.seen).toHaveLength(10);
    expect(new Set(server.seen.map((s) => s.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it('calls every route with the right method and path and types the results', async () => {
    const { server, rest } = await setUp();
    const search = await rest.loadTracks('ytsearch:a b&c');
    expect(search.loadType === 'search' && search.data[0]?.info.length).toBe(Number.MAX_SAFE_INTEGER);
    expect((await rest.decodeTrack('QA+/=')).info.length).toBe(Number.MAX_SAFE_INTEGER);
    expect(await rest.decodeTracks(['a', 'b'])).toHaveLength(2);
    expect(await rest.getPlayers()).toEqual([player]);
    expect(await rest.getPlayer(GUILD)).toEqual(player);
    expect(await rest.updatePlayer(GUILD, { track: { encoded: 'QAAA' } }, { noReplace: true })).toEqual(
      player,
    );
    await expect(rest.destroyPlayer(GUILD)).resolves.toBeUndefined();
    expect(await rest.updateSession({ resuming: true, timeout: 60 })).toEqual({
      resuming: true,
      timeout: 60,
    });
    expect((await rest.info()).version.semver).toBe('4.2.2');
    expect(await rest.version()).toBe('4.2.2');
    expect((await rest.stats()).players).toBe(1);
    expect(await rest.routePlannerStatus()).toBeNull();
    await expect(rest.freeAddress('1.2.3.4')).resolves.toBeUndefined();
    await expect(rest.freeAllAddresses()).resolves.toBeUndefined();
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /v4/loadtracks?identifier=ytsearch%3Aa%20b%26c',
      'GET /v4/decodetrack?encodedTrack=QA%2B%2F%3D',
      'POST /v4/decodetracks',
      `GET /v4/sessions/${SESSION}/players`,
      `GET /v4/sessions/${SESSION}/players/${GUILD}`,
      `PATCH /v4/sessions/${SESSION}/players/${GUILD}?noReplace=true`,
      `DELETE /v4/sessions/${SESSION}/players/${GUILD}`,
      `PATCH /v4/sessions/${SESSION}`,
      'GET /v4/info',
      'GET /version',
      'GET /v4/stats',
      'GET /v4/routeplanner/status',
      'POST /v4/routeplanner/free/address',
      'POST /v4/routeplanner/free/all',
    ]);
    expect(JSON.parse(server.seen[2]?.body ?? '')).toEqual(['a', 'b']);
    expect(JSON.parse(server.seen[12]?.body ?? '')).toEqual({ address: '1.2.3.4' });
  });

  it('appends trace=true to every path when `trace` is on', async () => {
    const { server, rest } = await setUp(lavalinkLike, { trace: true });
    await rest.info();
    await rest.updatePlayer(GUILD, { volume: 1 }, { noReplace: true });
    expect(server.seen.map((s) => s.url)).toEqual([
      '/v4/info?trace=true',
      `/v4/sessions/${SESSION}/players/${GUILD}?noReplace=true&trace=true`,
    ]);
  });

  it('keeps a path prefix of the base URL (reverse proxies)', async () => {
    server = await startServer(lavalinkLike);
    rest = new NodeRest({ baseUrl: `${server.url}/lavalink/`, password: PASSWORD });
    await expect(rest.version()).rejects.toMatchObject({ status: 404 });
    expect(server.seen[0]?.url).toBe('/lavalink/version');
  });

  it('calls plugin routes through request() with a query, JSON or text', async () => {
    const { server, rest } = await setUp();
    expect(
      await rest.request('get', '/v4/plugin/echo', { query: { q: 'a b', n: 2, skip: undefined } }),
    ).toEqual({
      query: '?q=a%20b&n=2',
    });
    expect(await rest.request<string>('GET', '/v4/plugin/text')).toBe('plain words');
    expect(await rest.request('POST', '/v4/routeplanner/free/all', { body: { x: 1 } })).toBeUndefined();
    expect(server.seen[2]?.body).toBe('{"x":1}');
  });

  it('reports each attempt to onRequest with route, method, status and duration', async () => {
    const events: RestRequestEvent[] = [];
    const { rest } = await setUp(lavalinkLike, { onRequest: (event) => events.push(event) });
    await rest.getPlayer(GUILD);
    await rest.request('GET', '/v4/plugin/echo');
    expect(events).toEqual([
      { route: 'player', method: 'GET', status: 200, durationMs: expect.any(Number) as unknown, attempt: 0 },
      { route: 'custom', method: 'GET', status: 200, durationMs: expect.any(Number) as unknown, attempt: 0 },
    ]);
  });
});
