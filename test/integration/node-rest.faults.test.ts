import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ErrorCodes, LavalinkRestError, TimeoutError } from '../../src/errors.js';
import { RestNetworkError } from '../../src/node/http-transport.js';
import type { NodeRestOptions, RestRequestEvent } from '../../src/node/node-rest-options.js';
import { NodeRest } from '../../src/node/node-rest.js';
import {
  closedPort,
  json,
  lavalinkError,
  startServer,
  until,
  type Handler,
  type RawServer,
} from './node-rest.server.js';

const PASSWORD = 'pw-Zq8-distinctive-S3CRET-value';
const SESSION = 'abcdefghijklmnop';
const GUILD = '123456789012345678';
const hang: Handler = () => undefined;
const PLAYER = {
  guildId: GUILD,
  track: null,
  volume: 100,
  paused: false,
  state: { time: 1, position: 0, connected: false, ping: -1 },
  voice: { token: '', endpoint: '', sessionId: '' },
  filters: {},
};
const STATS = {
  players: 0,
  playingPlayers: 0,
  uptime: 5,
  memory: { free: 1, used: 1, allocated: 2, reservable: 4 },
  cpu: { cores: 2, systemLoad: 0.1, lavalinkLoad: 0.05 },
};

let server: RawServer | undefined;
const clients: NodeRest[] = [];
let events: RestRequestEvent[] = [];

afterEach(async () => {
  for (const rest of clients.splice(0)) rest.close();
  await server?.close();
  server = undefined;
  events = [];
});

/** Retries without waiting: full jitter with `random: () => 0` gives 0 ms delays. */
function client(baseUrl: string, options: Partial<NodeRestOptions> = {}): NodeRest {
  const rest = new NodeRest({
    baseUrl,
    password: PASSWORD,
    sessionId: () => SESSION,
    random: () => 0,
    onRequest: (event) => events.push(event),
    ...options,
  });
  clients.push(rest);
  return rest;
}

async function setUp(handler: Handler, options: Partial<NodeRestOptions> = {}) {
  server = await startServer(handler);
  return { server, rest: client(server.url, options) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('NodeRest error mapping', () => {
  it('turns a Lavalink error body into LavalinkRestError with its fields', async () => {
    const { rest } = await setUp((req, res) =>
      json(res, 400, {
        timestamp: 1,
        status: 400,
        error: 'Bad Request',
        message: 'Following filters are disabled in the config: echo',
        trace: 'java.lang.IllegalArgumentException\n\tat lavalink',
        path: req.url,
      }),
    );
    const error = await failure(rest.updatePlayer(GUILD, { filters: {} }));
    expect(error).toBeInstanceOf(LavalinkRestError);
    expect(error).toMatchObject({
      status: 400,
      method: 'PATCH',
      path: `/v4/sessions/${SESSION}/players/${GUILD}`,
      lavalinkMessage: 'Following filters are disabled in the config: echo',
      reason: 'Bad Request',
      trace: 'java.lang.IllegalArgumentException\n\tat lavalink',
    });
  });

  it.each([401, 403])('maps an empty %i to AuthenticationError and never retries it', async (status) => {
    const { server, rest } = await setUp((_, res) => res.writeHead(status).end());
    const error = await failure(rest.info());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/password is wrong/);
    expect(server.seen).toHaveLength(1);
  });

  it('rejects a 200 that is not JSON with ERR_INVALID_RESPONSE, the status and an excerpt', async () => {
    const { server, rest } = await setUp((_, res) => res.writeHead(200).end('<html>Whitelabel</html>'));
    const error = await failure(rest.stats());
    expect(error).toMatchObject({ code: ErrorCodes.InvalidResponse });
    expect(error.message).toMatch(/200.*<html>Whitelabel<\/html>/);
    expect(server.seen).toHaveLength(1);
  });

  it('rejects JSON of the wrong shape with ERR_INVALID_RESPONSE', async () => {
    const { rest } = await setUp((_, res) => json(res, 200, { nope: true }));
    await expect(rest.loadTracks('x')).rejects.toMatchObject({ code: ErrorCodes.InvalidResponse });
  });

  it('shortens huge identifiers in error paths', async () => {
    const { rest } = await setUp((_, res) => lavalinkError(res, 500, 'Internal Server Error', 'boom'));
    const error = (await failure(
      rest.loadTracks('a'.repeat(8000), { timeoutMs: 1000 }),
    )) as LavalinkRestError;
    expect(error.path.length).toBeLessThanOrEqual(161);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('NodeRest retries', () => {
  it('retries 5xx on idempotent requests until success', async () => {
    const { server, rest } = await setUp((_, res, __, index) =>
      index < 2 ? lavalinkError(res, 503, 'Service Unavailable', 'busy') : json(res, 200, STATS),
    );
    expect(await rest.stats()).toEqual(STATS);
    expect(server.seen).toHaveLength(3);
    expect(events.map((e) => [e.attempt, e.status])).toEqual([
      [0, 503],
      [1, 503],
      [2, 200],
    ]);
    expect(events[0]?.error).toBeInstanceOf(LavalinkRestError);
  });

  it('gives up after `retries` and throws the last error', async () => {
    const { server, rest } = await setUp((_, res) => lavalinkError(res, 500, 'Internal Server Error', 'x'), {
      retry: { retries: 1 },
    });
    await expect(rest.info()).rejects.toMatchObject({ status: 500 });
    expect(server.seen).toHaveLength(2);
  });

  it('never retries 4xx', async () => {
    const { server, rest } = await setUp((_, res) =>
      lavalinkError(res, 404, 'Not Found', 'Session not found'),
    );
    await expect(rest.getPlayers()).rejects.toMatchObject({
      status: 404,
      lavalinkMessage: 'Session not found',
    });
    expect(server.seen).toHaveLength(1);
  });

  it('does not retry updatePlayer on 5xx unless told it is idempotent', async () => {
    const { server, rest } = await setUp((req, res, _, index) =>
      index === 0 || index === 1
        ? lavalinkError(res, 500, 'Internal Server Error', 'Failed to connect to voice server')
        : json(res, 200, PLAYER),
    );
    await expect(rest.updatePlayer(GUILD, { track: { encoded: 'QAAA' } })).rejects.toMatchObject({
      status: 500,
    });
    expect(server.seen).toHaveLength(1);
    await expect(rest.updatePlayer(GUILD, { volume: 10 }, { idempotent: true })).resolves.toEqual(PLAYER);
    expect(server.seen).toHaveLength(3);
  });

  it('retries every request, updatePlayer included, when the connection is refused', async () => {
    const rest = client(`http://127.0.0.1:${await closedPort()}`);
    const error = await failure(rest.updatePlayer(GUILD, { track: { encoded: 'QAAA' } }));
    expect(error).toBeInstanceOf(RestNetworkError);
    expect(error).toMatchObject({ code: ErrorCodes.Network, requestMayHaveBeenSent: false });
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(events.map((e) => [e.attempt, e.status])).toEqual([
      [0, null],
      [1, null],
      [2, null],
    ]);
  });

  it('retries a reset after the request was sent only when idempotent', async () => {
    const { server, rest } = await setUp((req) => req.socket.destroy());
    await expect(rest.updatePlayer(GUILD, { track: { encoded: 'QAAA' } })).rejects.toMatchObject({
      code: ErrorCodes.Network,
      requestMayHaveBeenSent: true,
    });
    expect(server.seen).toHaveLength(1);
    await expect(rest.info()).rejects.toMatchObject({ code: ErrorCodes.Network });
    expect(server.seen).toHaveLength(4);
  });

  it('replays a request that hit a keep-alive socket the server had just closed', async () => {
    // The server answers, then drops the kept-alive socket at the next request: Node's stale-socket race.
    const { server, rest } = await setUp((req, res, _, index) =>
      index === 1 ? req.socket.destroy() : json(res, 200, PLAYER),
    );
    await rest.updatePlayer(GUILD, { volume: 1 });
    await expect(rest.updatePlayer(GUILD, { track: { encoded: 'QAAA' } })).resolves.toEqual(PLAYER);
    expect(server.seen).toHaveLength(3);
  });

  it('stops waiting to retry when the signal aborts', async () => {
    const controller = new AbortController();
    const { server, rest } = await setUp((_, res) => lavalinkError(res, 503, 'Service Unavailable', 'busy'), {
      random: () => 1,
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
      onRequest: () => controller.abort(),
    });
    const error = await failure(rest.info({ signal: controller.signal }));
    expect(error).toMatchObject({ code: ErrorCodes.Aborted });
    expect(error.cause).toBeInstanceOf(LavalinkRestError);
    expect(server.seen).toHaveLength(1);
  });
});

describe('NodeRest timeouts, aborts and close', () => {
  it('times out a hanging request, names it, destroys its socket and does not retry', async () => {
    const { server, rest } = await setUp(hang, { requestTimeoutMs: 30 });
    const started = Date.now();
    const error = await failure(rest.getPlayer(GUILD));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: ErrorCodes.Timeout, timeoutMs: 30 });
    expect(error.message).toContain(`GET /v4/sessions/${SESSION}/players/${GUILD}`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.seen).toHaveLength(1);
    await until(() => server.sockets.size === 0);
  });

  it('takes a per-call timeout', async () => {
    const { rest } = await setUp(hang);
    await expect(rest.info({ timeoutMs: 20 })).rejects.toMatchObject({ timeoutMs: 20 });
  });

  it('aborts a request in flight through its signal', async () => {
    const { server, rest } = await setUp(hang);
    const controller = new AbortController();
    const pending = failure(rest.info({ signal: controller.signal }));
    await server.waitForRequests(1);
    controller.abort(new Error('stop'));
    expect(await pending).toMatchObject({ code: ErrorCodes.Aborted });
    await until(() => server.sockets.size === 0);
  });

  it('close() fails requests in flight with ERR_NODE_CLOSED and closes the sockets', async () => {
    const { server, rest } = await setUp(hang);
    const pending = failure(rest.info());
    await server.waitForRequests(1);
    rest.close();
    expect(await pending).toMatchObject({ code: ErrorCodes.NodeClosed });
    await until(() => server.sockets.size === 0);
  });
});

describe('the password never leaks', () => {
  function assertNoPassword(value: unknown): void {
    const props = value instanceof Error ? Object.getOwnPropertyNames(value) : undefined;
    for (let error: unknown = value; error instanceof Error; error = error.cause) {
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(PASSWORD);
    }
    expect(JSON.stringify(value, props)).not.toContain(PASSWORD);
    expect(inspect(value, { depth: 10, showHidden: true })).not.toContain(PASSWORD);
  }

  it('from any error, nor from onRequest events', async () => {
    const { server, rest } = await setUp((req, res) => {
      if (req.url === `/v4/sessions/${SESSION}/players`) return lavalinkError(res, 404, 'Not Found', 'x');
      if (req.url === '/v4/info') return res.writeHead(401).end();
      if (req.url === '/v4/stats') return res.writeHead(200).end('not json');
      if (req.url === '/reset') return req.socket.destroy();
      if (req.method === 'PATCH') return res.writeHead(502).end('proxy error');
      // anything else hangs
    });
    const errors = [
      await failure(rest.getPlayers()),
      await failure(rest.info()),
      await failure(rest.stats()),
      await failure(rest.request('GET', '/reset')),
      await failure(rest.updatePlayer(GUILD, { volume: 1 })),
      await failure(rest.version({ timeoutMs: 20 })),
      await failure(client(`http://127.0.0.1:${await closedPort()}`).info()),
    ];
    rest.sessionId = null;
    errors.push(await failure(rest.getPlayers()));
    expect(server.seen.length).toBeGreaterThanOrEqual(6);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
      ErrorCodes.RestError,
      ErrorCodes.Authentication,
      ErrorCodes.InvalidResponse,
      ErrorCodes.Network,
      ErrorCodes.RestError,
      ErrorCodes.Timeout,
      ErrorCodes.Network,
      ErrorCodes.NodeNotReady,
    ]);
    for (const error of errors) assertNoPassword(error);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) assertNoPassword(event);
  });
});
