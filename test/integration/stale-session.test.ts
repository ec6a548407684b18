/**
 * StaleSessions (src/node/stale-session.ts) against the emulator: a session the server no longer
 * holds is asked for at each planned attempt and every side session it got is ended at once; a
 * cancel stops the attempts. The main path (a session let go late, then ended) is in
 * resume-race.test.ts.
 */
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { STALE_SESSION_ATTEMPTS_MS, StaleSessions } from '../../src/node/stale-session.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { FakeClock, flushMicrotasks } from '../helpers/fake-clock.js';
import { waitFor } from '../helpers/events.js';

let emulator: LavalinkEmulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function setUp() {
  emulator = new LavalinkEmulator({ password: 'pw' });
  await emulator.start();
  const clock = new FakeClock();
  const outcomes: string[] = [];
  const stale = new StaleSessions({
    url: emulator.wsUrl,
    headers: () => ({ Authorization: 'pw', 'User-Id': '1', 'Client-Name': 'test' }),
    clock,
    timeoutMs: 1_000,
    stopResuming: () => Promise.reject(new Error('no session to stop resuming')),
    onOutcome: (_, outcome) => void outcomes.push(outcome),
  });
  const handshakes = () => emulator!.counters().websocket ?? 0;
  return { emulator, clock, stale, outcomes, handshakes };
}

it('asks for a session the server no longer holds at each attempt, leaving no session behind', async () => {
  const { emulator, clock, stale, outcomes, handshakes } = await setUp();
  stale.end('gone000000000000');
  for (let i = 0; i < STALE_SESSION_ATTEMPTS_MS.length; i++) {
    await waitFor(() => handshakes() === i + 1 && emulator.sessions().length === 0, {
      what: `attempt ${i + 1} answered and its new session ended`,
    });
    const next = STALE_SESSION_ATTEMPTS_MS[i + 1];
    if (next !== undefined) clock.advance(next - STALE_SESSION_ATTEMPTS_MS[i]!);
  }
  await waitFor(() => outcomes.length > 0, { what: 'the outcome' });
  expect(outcomes).toEqual(['not found']);
});

it('stops its attempts when cancelled', async () => {
  const { emulator, clock, stale, outcomes, handshakes } = await setUp();
  stale.end('gone000000000000');
  await waitFor(() => handshakes() === 1 && emulator.sessions().length === 0, { what: 'attempt 1' });
  stale.cancel();
  clock.advance(10_000);
  await flushMicrotasks(); // where a run still going would open its next attempt's socket
  // A handshake of our own after the time of every further attempt: it is the only one to come.
  const probe = new WebSocket(emulator.wsUrl, {
    headers: { Authorization: 'pw', 'User-Id': '1', 'Client-Name': 'probe' },
  });
  await new Promise((resolve) => probe.once('open', resolve));
  probe.terminate();
  await waitFor(() => emulator.sessions().length <= 1, { what: 'the probe counted' });
  expect([handshakes(), outcomes]).toEqual([2, []]);
});
