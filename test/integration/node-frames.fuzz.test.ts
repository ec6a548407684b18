/**
 * A real Node on a real WebSocket to the emulator, fed hundreds of random and mutated frames: it must
 * stay connected, report each bad frame as one typed error, pass unknown ops on as `raw`, deliver the
 * valid ones, and still deliver a normal playerUpdate afterwards. Nothing may reach the process.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { ErrorCodes, LavafleetError } from '../../src/errors.js';
import { Node } from '../../src/node/node.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, recordEvents } from '../helpers/events.js';
import { frameArb, jsonishTextArb, mutatedText, toText } from '../helpers/wire-arbitraries.js';
import { expectedFrameKind } from '../helpers/wire-shapes.js';

const crashes: unknown[] = [];
const onCrash = (error: unknown) => void crashes.push(error);

beforeAll(() => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
});

afterAll(() => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
});

let emulator: LavalinkEmulator;
let node: Node;

beforeEach(async () => {
  emulator = new LavalinkEmulator({ password: 'fuzz-password' });
  await emulator.start();
  node = new Node({
    uri: emulator.url,
    password: emulator.password,
    userId: '123456789012345678',
    identifier: 'fuzz',
    heartbeatMs: 1000,
    requestTimeoutMs: 1000,
    reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
    random: () => 0.5,
  });
  await node.connect();
});

afterEach(async () => {
  await node.close();
  await emulator.stop();
});

/** What a frame's text parses to; a valid `ready` is left out, as it would start a new session. */
function kindOf(frame: string | Buffer): 'message' | 'raw' | 'error' {
  return expectedFrameKind(typeof frame === 'string' ? frame : frame.toString('utf8'));
}

function isReady(frame: string | Buffer): boolean {
  if (kindOf(frame) !== 'message') return false;
  return (JSON.parse(frame.toString()) as { op: string }).op === 'ready';
}

const frameInput: fc.Arbitrary<string | Buffer> = fc
  .oneof(
    { weight: 4, arbitrary: mutatedText(frameArb) },
    { weight: 2, arbitrary: frameArb.map((frame) => JSON.stringify(frame)) },
    fc.string({ unit: 'binary' }),
    jsonishTextArb,
    fc.jsonValue({ maxDepth: 3 }).map(toText),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  )
  .filter((frame) => !isReady(frame));

const HUGE_FRAME = JSON.stringify({ op: 'playerUpdate', guildId: 'x'.repeat(300_000), state: 'none' });

let sentinel = 0;

/** Sends the frames, then a normal playerUpdate, and checks what the node made of them. */
async function feed(frames: readonly (string | Buffer)[]): Promise<void> {
  const seen = recordEvents(node, ['error', 'raw', 'playerUpdate', 'event']);
  const guildId = `sentinel-${(sentinel += 1)}`;
  // WebSocket frames arrive in order: once the sentinel is delivered, every fuzzed frame was handled.
  const delivered = nextEvent(node, 'playerUpdate', { filter: (update) => update.guildId === guildId });
  for (const frame of frames) emulator.sendRaw(frame, node.sessionId!);
  const state = { time: 1, position: 2, connected: true, ping: 3 };
  emulator.sendRaw(JSON.stringify({ op: 'playerUpdate', guildId, state }), node.sessionId!);
  expect((await delivered).state).toEqual(state);
  seen.stop();

  expect(node.status).toBe('connected');
  const count = (name: string) => seen.log.filter(([event]) => event === name).length;
  const kinds = frames.map(kindOf);
  const ops = frames.map((frame, i) =>
    kinds[i] === 'message' ? (JSON.parse(frame.toString()) as { op: string }).op : null,
  );
  for (const [, error] of seen.log.filter(([event]) => event === 'error')) {
    expect(error).toBeInstanceOf(LavafleetError);
    expect((error as LavafleetError).code).toBe(ErrorCodes.MalformedFrame);
  }
  expect(count('error')).toBe(kinds.filter((kind) => kind === 'error').length);
  expect(count('raw')).toBe(kinds.filter((kind) => kind === 'raw').length);
  expect(count('event')).toBe(ops.filter((op) => op === 'event').length);
  expect(count('playerUpdate')).toBe(ops.filter((op) => op === 'playerUpdate').length + 1);
}

describe('Node fed random and mutated frames', () => {
  it('stays connected, reports only typed errors, and still delivers a normal playerUpdate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameInput, { minLength: 50, maxLength: 100 }), (frames) => feed(frames)),
      { numRuns: 5, examples: [[[HUGE_FRAME, Buffer.from([0xff, 0xfe, 0x00]), '', '{"op":']]] },
    );
    // The session is intact: REST on it still works.
    expect(await node.rest.getPlayers()).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(crashes).toEqual([]);
  });
});
