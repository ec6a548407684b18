/**
 * The soak's observer (soak/observer.ts) over real emulators: how it times a guild's way back to a
 * live node. A guild caught mid-move by a second failure (the bot was moving it to the node that
 * failed) is timed from that failure, not from the first; any other guild keeps the first clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SoakFleet } from '../../soak/fleet.js';
import type { NodeFailure } from '../../soak/fleet.js';
import { buildCatalogue } from '../../soak/guilds.js';
import { Observer } from '../../soak/observer.js';
import { Prng } from '../../soak/prng.js';
import type { Track } from '../../src/index.js';
import { waitUntil } from './emulator-harness.js';

const DEADLINE_MS = 2_000;
const CAUGHT = '1300000000000000001';
const OTHER = '1300000000000000002';

let fleet: SoakFleet;
const sockets: WebSocket[] = [];
let track: Track;

beforeEach(async () => {
  fleet = await SoakFleet.start(3);
  track = buildCatalogue(new Prng(1))[0]!;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await fleet.stop();
});

/** Opens a client session on a node of the fleet. */
async function sessionOn(node: string): Promise<string> {
  const emulator = fleet.emulator(node);
  const socket = new WebSocket(emulator.wsUrl, {
    headers: { Authorization: emulator.password, 'User-Id': '100000000000000001', 'Client-Name': 'test/1' },
  });
  sockets.push(socket);
  return new Promise<string>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { op: string; sessionId?: string };
      if (frame.op === 'ready' && frame.sessionId) resolve(frame.sessionId);
    });
    socket.on('error', reject);
  });
}

async function request(
  node: string,
  sessionId: string,
  guildId: string,
  method: 'PATCH' | 'DELETE',
  position = 0,
) {
  const emulator = fleet.emulator(node);
  const init: RequestInit = {
    method,
    headers: { Authorization: emulator.password, 'Content-Type': 'application/json' },
  };
  if (method === 'PATCH') init.body = JSON.stringify({ track: { encoded: track.encoded }, position });
  const response = await fetch(`${emulator.url}/v4/sessions/${sessionId}/players/${guildId}`, init);
  expect(response.ok).toBe(true);
}

function observe(): Observer {
  return new Observer(
    fleet,
    [CAUGHT, OTHER],
    new Map([[track.info.identifier, track.info.length]]),
    { liveDeadlineMs: DEADLINE_MS, positionToleranceMs: 1_000 },
    performance.now(),
  );
}

describe('soak observer: time to a live node', () => {
  it('times a guild caught mid-move from the failure of the node it was moving to', async () => {
    const [first, second, third] = await Promise.all(['node-1', 'node-2', 'node-3'].map(sessionOn));
    for (const guildId of [CAUGHT, OTHER]) await request('node-1', first!, guildId, 'PATCH');
    const observer = observe();
    observer.sample();
    // node-1 failed 5 s ago; node-2 failed 100 ms ago, while the bot was moving CAUGHT there.
    const now = performance.now();
    const firstFailure: NodeFailure = { node: 'node-1', at: now - 5_000, sessionId: null, cause: 'freeze' };
    const secondFailure: NodeFailure = { node: 'node-2', at: now - 100, sessionId: second!, cause: 'kill' };
    observer.failure(firstFailure);
    for (const guildId of [CAUGHT, OTHER]) await request('node-1', first!, guildId, 'DELETE');
    observer.sample();
    observer.failure(secondFailure); // nothing audible there: the move had not arrived
    observer.caughtMidMove(secondFailure, [CAUGHT]);

    for (const guildId of [CAUGHT, OTHER]) await request('node-3', third!, guildId, 'PATCH');
    observer.sample();

    expect(observer.guildsCaughtMidMove).toBe(1);
    expect(observer.recoveries).toBe(2);
    expect(observer.lateRecoveries).toEqual([
      expect.objectContaining({ guildId: OTHER, cause: 'freeze', node: 'node-1' }),
    ]);
    expect(observer.lateRecoveries[0]!.ms).toBeGreaterThanOrEqual(5_000);
  });

  it('leaves the clock of a guild that already plays again, and of a later failure, alone', async () => {
    const [first, , third] = await Promise.all(['node-1', 'node-2', 'node-3'].map(sessionOn));
    await request('node-1', first!, CAUGHT, 'PATCH');
    const observer = observe();
    observer.sample();
    const now = performance.now();
    const failure: NodeFailure = { node: 'node-1', at: now - 3_000, sessionId: null, cause: 'kill' };
    observer.failure(failure);
    await request('node-1', first!, CAUGHT, 'DELETE');
    observer.sample();
    // The bot reports the guild on the failed node itself: that is no second failure.
    observer.caughtMidMove(failure, [CAUGHT]);
    // A failure older than the first one does not take it either.
    observer.caughtMidMove({ node: 'node-2', at: now - 4_000, sessionId: null, cause: 'kill' }, [CAUGHT]);
    await request('node-3', third!, CAUGHT, 'PATCH');
    observer.sample();

    expect(observer.guildsCaughtMidMove).toBe(0);
    expect(observer.lateRecoveries).toEqual([expect.objectContaining({ guildId: CAUGHT, cause: 'kill' })]);
  });
});

describe('soak fleet: guilds on their way to a node', () => {
  it('names the guilds whose re-creation a frozen node holds, of the session asked for', async () => {
    const [first, second] = await Promise.all(['node-1', 'node-1'].map(sessionOn));
    const emulator = fleet.emulator('node-1');
    await fleet.apply({ kind: 'freeze', node: 0 }, () => undefined);
    // Held by the freeze: a move of CAUGHT into the first session, a deletion of OTHER.
    const held = [request('node-1', first!, CAUGHT, 'PATCH'), request('node-1', second!, OTHER, 'DELETE')];
    await waitUntil(() => emulator.pendingRequests().length === 2);
    expect(fleet.guildsArriving('node-1', null)).toEqual([CAUGHT]);
    expect(fleet.guildsArriving('node-1', first!)).toEqual([CAUGHT]);
    expect(fleet.guildsArriving('node-1', second!)).toEqual([]);
    await fleet.apply({ kind: 'unfreeze', node: 0 }, () => undefined);
    await Promise.all(held);
    expect(fleet.guildsArriving('node-1', null)).toEqual([]);
  });
});

describe('soak observer: the worst break', () => {
  it('flags each late guild that is the worst so far, for the report to tell its story', async () => {
    const [first, , third] = await Promise.all(['node-1', 'node-2', 'node-3'].map(sessionOn));
    const guilds = ['1300000000000000011', '1300000000000000012', '1300000000000000013'];
    const observer = new Observer(
      fleet,
      guilds,
      new Map([[track.info.identifier, track.info.length]]),
      { liveDeadlineMs: DEADLINE_MS, positionToleranceMs: 1_000 },
      performance.now(),
    );
    const flagged: Array<[string, boolean]> = [];
    observer.onViolation = (kind, guildId, worst) => void flagged.push([`${kind} ${guildId}`, worst]);
    const now = performance.now();
    // Each guild silenced by its own failure, 3 s, 5 s and 4 s ago, then back in that order.
    for (const [i, agoMs] of [3_000, 5_000, 4_000].entries()) {
      await request('node-1', first!, guilds[i]!, 'PATCH');
      observer.sample();
      observer.failure({ node: 'node-1', at: now - agoMs, sessionId: first!, cause: 'kill' });
      await request('node-1', first!, guilds[i]!, 'DELETE');
      observer.sample();
      await request('node-3', third!, guilds[i]!, 'PATCH');
      observer.sample();
    }
    expect(flagged).toEqual([
      [`late ${guilds[0]}`, true],
      [`late ${guilds[1]}`, true],
      [`late ${guilds[2]}`, false],
    ]);
    expect(observer.worstRecovery?.guildId).toBe(guilds[1]);
  });
});

describe('soak observer: position after a move', () => {
  it('judges a move against the nearer of the timelines the guild had lately, not only the last heard', async () => {
    // Soak seed 62: a node that thawed played an old request, the next track from its start, in the
    // guild's old session while the bot's player was being moved; the move then continued the real
    // timeline, and was judged against the copy's: 2 s "ahead".
    const [first, second, third] = await Promise.all(['node-1', 'node-2', 'node-3'].map(sessionOn));
    const observer = observe();
    const startedAt = performance.now();
    const timeline = () => 20_000 + (performance.now() - startedAt);
    await request('node-1', first!, CAUGHT, 'PATCH', 20_000);
    observer.sample();
    // Moved to node-2, where it was.
    await request('node-1', first!, CAUGHT, 'DELETE');
    await request('node-2', second!, CAUGHT, 'PATCH', Math.round(timeline()));
    observer.sample();
    // node-2's session ends; the copy in node-1's old session plays the track from its start.
    await request('node-2', second!, CAUGHT, 'DELETE');
    await request('node-1', first!, CAUGHT, 'PATCH', 0);
    observer.sample();
    // The bot re-creates it on node-3 where its timeline is, and the copy is deleted.
    await request('node-1', first!, CAUGHT, 'DELETE');
    await request('node-3', third!, CAUGHT, 'PATCH', Math.round(timeline()));
    observer.sample();
    expect(observer.movesCompared).toBe(2);
    expect(observer.positionViolations).toEqual([]);
    expect(observer.worstPosition!.errorMs).toBeLessThan(200);
  });

  it('still flags a move that continues none of them', async () => {
    const [first, second] = await Promise.all(['node-1', 'node-2'].map(sessionOn));
    const observer = observe();
    await request('node-1', first!, CAUGHT, 'PATCH', 20_000);
    observer.sample();
    await request('node-1', first!, CAUGHT, 'DELETE');
    await request('node-2', second!, CAUGHT, 'PATCH', 40_000);
    observer.sample();
    expect(observer.positionViolations.map((v) => v.guildId)).toEqual([CAUGHT]);
  });
});
