/**
 * NodeRest against a real node:http server that answers every request with a generated response:
 * any status, content type, valid or broken Lavalink bodies, lengths that lie, sockets destroyed
 * mid-response, or no answer at all. Each call must resolve with data of its declared type or reject
 * with the LavafleetError code an independent oracle predicts, and no error may carry the password.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCodes, LavafleetError, type LavalinkRestError } from '../../src/errors.js';
import type { RestCallOptions } from '../../src/node/node-rest-options.js';
import { NodeRest } from '../../src/node/node-rest.js';
import {
  infoArb,
  loadResultArb,
  playerArb,
  routePlannerArb,
  sessionArb,
  statsArb,
  trackArb,
} from '../helpers/wire-arbitraries.js';
import {
  anything,
  arrayOf,
  isPlainObject,
  literal,
  nullable,
  wireShapes,
  type Shape,
} from '../helpers/wire-shapes.js';
import { startServer, type RawServer } from './node-rest.server.js';
import {
  answer,
  bodies,
  hasTrailingBytes,
  planArb,
  received,
  type Answer,
  type Plan,
} from './rest-fuzz.plans.js';

const PASSWORD = 'fuzz-Pw-7QzX-distinctive-S3CRET';
const IN = wireShapes('input');
const OUT = wireShapes('output');
const HANG_TIMEOUT_MS = 25;

interface RouteCase {
  call: (rest: NodeRest, options: RestCallOptions) => Promise<unknown>;
  body: fc.Arbitrary<string>;
  /** Whether a 2xx answer must resolve (else ERR_INVALID_RESPONSE). */
  accepts: (answer: Answer) => boolean;
  /** The resolved value's shape. */
  output: Shape;
}

function jsonFits(shape: Shape): (answer: Answer) => boolean {
  return ({ body }) => {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return false;
    }
    return shape(value, 'body') === null;
  };
}

const always = () => true;
const GUILD = '123456789012345678';
const player = { body: bodies(playerArb), accepts: jsonFits(IN.player), output: OUT.player };

const ROUTES: Record<string, RouteCase> = {
  loadTracks: {
    call: (rest, o) => rest.loadTracks('ytsearch:fuzz', o),
    body: bodies(loadResultArb),
    accepts: jsonFits(IN.loadResult),
    output: OUT.loadResult,
  },
  decodeTrack: {
    call: (rest, o) => rest.decodeTrack('QAAA', o),
    body: bodies(trackArb),
    accepts: jsonFits(IN.track),
    output: OUT.track,
  },
  decodeTracks: {
    call: (rest, o) => rest.decodeTracks(['QAAA'], o),
    body: bodies(fc.array(trackArb, { maxLength: 3 })),
    accepts: jsonFits(arrayOf(IN.track)),
    output: arrayOf(OUT.track),
  },
  getPlayers: {
    call: (rest, o) => rest.getPlayers(o),
    body: bodies(fc.array(playerArb, { maxLength: 2 })),
    accepts: jsonFits(arrayOf(IN.player)),
    output: arrayOf(OUT.player),
  },
  getPlayer: { call: (rest, o) => rest.getPlayer(GUILD, o), ...player },
  updatePlayer: { call: (rest, o) => rest.updatePlayer(GUILD, { volume: 50 }, o), ...player },
  destroyPlayer: {
    call: (rest, o) => rest.destroyPlayer(GUILD, o),
    body: bodies(fc.constant('')),
    accepts: always,
    output: literal(undefined),
  },
  updateSession: {
    call: (rest, o) => rest.updateSession({ resuming: true, timeout: 60 }, o),
    body: bodies(sessionArb),
    accepts: jsonFits(IN.session),
    output: OUT.session,
  },
  info: {
    call: (rest, o) => rest.info(o),
    body: bodies(infoArb),
    accepts: jsonFits(IN.info),
    output: OUT.info,
  },
  stats: {
    call: (rest, o) => rest.stats(o),
    body: bodies(statsArb),
    accepts: jsonFits(IN.stats),
    output: OUT.stats,
  },
  version: {
    call: (rest, o) => rest.version(o),
    body: fc.oneof(fc.constantFrom('4.2.2', ' 4.0.0-beta.1\n'), bodies(fc.constant('4.2.2'))),
    accepts: ({ body }) => body.trim().length > 0,
    output: (value, at) => (typeof value === 'string' && value.length > 0 ? null : `${at}: not a version`),
  },
  routePlannerStatus: {
    call: (rest, o) => rest.routePlannerStatus(o),
    body: bodies(routePlannerArb),
    accepts: (answer) => answer.status === 204 || answer.body === '' || jsonFits(IN.routePlanner)(answer),
    output: nullable(OUT.routePlanner),
  },
  freeAddress: {
    call: (rest, o) => rest.freeAddress('10.0.0.1', o),
    body: bodies(fc.constant('')),
    accepts: always,
    output: literal(undefined),
  },
  custom: {
    call: (rest, o) => rest.request('GET', '/v4/plugin/thing', o),
    body: bodies(fc.jsonValue({ maxDepth: 2 })),
    accepts: ({ body, contentType }) =>
      body === '' || !contentType?.includes('json') || jsonFits(anything)({ body, contentType, status: 200 }),
    output: anything,
  },
};

/** The oracle: `null` when the call must resolve, else the error code it must reject with. */
function expectedCode(route: RouteCase, plan: Plan): string | null {
  const got = received(plan);
  if (typeof got === 'string') return got;
  if (got.status >= 200 && got.status < 300) return route.accepts(got) ? null : ErrorCodes.InvalidResponse;
  if (got.status !== 401 && got.status !== 403) return ErrorCodes.RestError;
  let parsed: unknown;
  try {
    parsed = JSON.parse(got.body);
  } catch {
    return ErrorCodes.Authentication;
  }
  return isPlainObject(parsed) ? ErrorCodes.RestError : ErrorCodes.Authentication;
}

/** Fails when the password shows anywhere in an error: message, stack, properties, causes. */
function expectNoPassword(error: unknown): void {
  expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(PASSWORD);
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    expect(`${e.message}\n${e.stack}\n${JSON.stringify(e)}`).not.toContain(PASSWORD);
  }
}

let server: RawServer;
let rest: NodeRest;
let plan: Plan = { kind: 'hang' };

beforeAll(async () => {
  server = await startServer((_req, res) => answer(plan, res));
  rest = new NodeRest({
    baseUrl: server.url,
    password: PASSWORD,
    sessionId: () => 'fuzzsession00001',
    retry: { retries: 0 },
  });
});

afterAll(async () => {
  rest.close();
  await server.close();
});

/** Makes one call under `next` and checks its outcome against the oracle. */
async function check(name: string, next: Plan): Promise<void> {
  const route = ROUTES[name]!;
  plan = next;
  const timeoutMs = next.kind === 'hang' ? HANG_TIMEOUT_MS : 5_000;
  const expected = expectedCode(route, next);
  const context = `${name} ${JSON.stringify(next).slice(0, 300)}`;
  let value: unknown;
  try {
    value = await route.call(rest, { timeoutMs });
  } catch (error) {
    expectNoPassword(error);
    expect(error, context).toBeInstanceOf(LavafleetError);
    // Bytes past a short Content-Length are a parse error if they arrive before the body's end event.
    if (hasTrailingBytes(next) && (error as LavafleetError).code === ErrorCodes.Network) return;
    expect((error as LavafleetError).code, context).toBe(expected);
    if (expected === ErrorCodes.RestError)
      expect((error as LavalinkRestError).status).toBe((received(next) as Answer).status);
    return;
  }
  expect(expected, context).toBeNull();
  expect(route.output(value, name), context).toBeNull();
}

const callArb = fc
  .constantFrom(...Object.keys(ROUTES))
  .chain((name) => fc.tuple(fc.constant(name), planArb(ROUTES[name]!.body)));

/** A 200 JSON answer. */
const ok = (body: string): Plan => ({
  kind: 'respond',
  status: 200,
  contentType: 'application/json',
  body,
  earlyHints: false,
});

// Bodies the fuzzer found resolved as typed data before rest-response.ts checked every declared field.
const REGRESSIONS: Array<[string, string]> = [
  ['loadTracks', '{"loadType":"playlist"}'],
  ['loadTracks', '{"loadType":"track","data":{"encoded":"QAAA","info":{}}}'],
  ['loadTracks', '{"loadType":"search","data":[1]}'],
  ['loadTracks', '{"loadType":"error","data":null}'],
  ['decodeTracks', '[1]'],
  ['getPlayers', '[{"guildId":"1"}]'],
  ['getPlayer', '{"guildId":"1","track":{"encoded":"QAAA"}}'],
  // The pool ran `new Set(info.sourceManagers)` in a then-callback: an unhandled rejection.
  ['info', '{"sourceManagers":5}'],
  ['stats', '{"players":0}'],
  ['updateSession', '{"resuming":"yes"}'],
  ['routePlannerStatus', '{"class":"RotatingIpRoutePlanner"}'],
];

describe('NodeRest against generated responses', () => {
  it('resolves with typed data or rejects with the predicted code, never leaking the password', async () => {
    await fc.assert(
      fc.asyncProperty(callArb, ([name, next]) => check(name, next)),
      { numRuns: 400, examples: REGRESSIONS.map(([name, body]) => [[name, ok(body)]]) },
    );
    // The password was really sent, so it could have leaked.
    expect(server.seen.at(-1)?.headers.authorization).toBe(PASSWORD);
  });

  it.each(REGRESSIONS)('rejects %s answering 200 %s with ERR_INVALID_RESPONSE', async (name, body) => {
    plan = ok(body);
    await expect(ROUTES[name]!.call(rest, {})).rejects.toMatchObject({ code: ErrorCodes.InvalidResponse });
  });
});
