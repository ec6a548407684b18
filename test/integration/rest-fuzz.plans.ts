/**
 * Generated HTTP answers for the REST fuzz test: what a node:http server sends for each plan, and
 * what the client must receive from it. Raw socket writes stand in where node:http refuses to lie.
 */
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';

import { ErrorCodes } from '../../src/errors.js';
import { jsonishTextArb, mutatedText, toText } from '../helpers/wire-arbitraries.js';

/** How the server answers one request. */
export type Plan =
  | { kind: 'respond'; status: number; contentType: string | null; body: string; earlyHints: boolean }
  | { kind: 'lyingLength'; status: number; body: string; declared: number }
  | { kind: 'destroy'; stage: 'beforeHeaders' | 'afterHeaders' | 'midBody' }
  | { kind: 'hang' };

export interface Answer {
  status: number;
  contentType: string | null;
  /** The body as the client decodes it. */
  body: string;
}

const lavalinkErrorArb = fc.record(
  {
    timestamp: fc.nat(),
    status: fc.integer({ min: 400, max: 599 }),
    error: fc.string(),
    message: fc.string(),
    path: fc.string(),
    trace: fc.string(),
  },
  { requiredKeys: ['timestamp', 'status', 'error', 'message', 'path'] },
);
const HUGE_BODY = JSON.stringify({
  loadType: 'search',
  data: Array.from({ length: 4000 }, () => 'x'.repeat(60)),
});
const oddBodies = fc.constantFrom(
  '',
  ' \n',
  'null',
  '[]',
  '{}',
  '<html><body>502 Bad Gateway</body></html>',
  '{"loadType":"nope"}',
  '{"loadType":"track","data":null}',
  '{"loadType":"search","data":[1]}',
  '{"guildId":"1"}',
  HUGE_BODY,
);

/** Bodies for a route: valid, mutated, Lavalink errors, and garbage of every kind. */
export function bodies(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: valid.map(toText) },
    { weight: 4, arbitrary: mutatedText(valid) },
    { weight: 1, arbitrary: fc.oneof(lavalinkErrorArb.map(toText), mutatedText(lavalinkErrorArb)) },
    { weight: 2, arbitrary: oddBodies },
    { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary' }), jsonishTextArb) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(toText) },
  );
}

const statusArb = fc.oneof(
  fc.constantFrom(200, 201, 204, 299, 301, 304, 400, 401, 403, 404, 429, 500, 502, 503),
  fc.integer({ min: 200, max: 599 }),
);

export function planArb(body: fc.Arbitrary<string>): fc.Arbitrary<Plan> {
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    null,
  );
  return fc.oneof(
    {
      weight: 14,
      arbitrary: fc.record({
        kind: fc.constant('respond' as const),
        status: statusArb,
        contentType,
        body,
        earlyHints: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          status: statusArb.filter((s) => s !== 204 && s !== 304),
          body,
          extra: fc.integer({ min: -40, max: 40 }),
        })
        .map(({ status, body: text, extra }) => ({
          kind: 'lyingLength' as const,
          status,
          body: text,
          declared: Math.max(0, Buffer.byteLength(text) + (extra === 0 ? 1 : extra)),
        })),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('destroy' as const),
        stage: fc.constantFrom('beforeHeaders' as const, 'afterHeaders' as const, 'midBody' as const),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
  );
}

/** Answers with `plan`. The raw writes bypass node:http so that lengths can lie. */
export function answer(plan: Plan, res: ServerResponse): void {
  const socket = res.req.socket;
  switch (plan.kind) {
    case 'respond': {
      if (plan.earlyHints) res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      const headers: Record<string, string> = { 'Lavalink-Api-Version': '4' };
      if (plan.contentType !== null) headers['Content-Type'] = plan.contentType;
      res.writeHead(plan.status, headers);
      res.end(plan.body);
      return;
    }
    case 'lyingLength':
      socket.end(
        `HTTP/1.1 ${plan.status} Whatever\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${plan.declared}\r\nConnection: close\r\n\r\n${plan.body}`,
      );
      return;
    case 'destroy':
      if (plan.stage === 'beforeHeaders') {
        socket.destroy();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      if (plan.stage === 'midBody') res.write('{"loadType":"tra');
      else res.flushHeaders();
      setImmediate(() => socket.destroy());
      return;
    case 'hang':
      return;
  }
}

/** What the client receives, or the error code it must report when nothing complete arrives. */
export function received(plan: Plan): Answer | string {
  switch (plan.kind) {
    case 'hang':
      return ErrorCodes.Timeout;
    case 'destroy':
      return ErrorCodes.Network;
    case 'lyingLength': {
      const bytes = Buffer.from(plan.body);
      if (plan.declared > bytes.length) return ErrorCodes.Network;
      return {
        status: plan.status,
        contentType: 'application/json',
        body: bytes.subarray(0, plan.declared).toString(),
      };
    }
    case 'respond': {
      // 204 and 304 never carry a body; lone surrogates go out as U+FFFD.
      const body = plan.status === 204 || plan.status === 304 ? '' : Buffer.from(plan.body).toString();
      return { status: plan.status, contentType: plan.contentType, body };
    }
  }
}

export function hasTrailingBytes(plan: Plan): boolean {
  return plan.kind === 'lyingLength' && plan.declared < Buffer.byteLength(plan.body);
}
