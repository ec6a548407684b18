import { describe, expect, it } from 'vitest';
import { STALL_MIN_MS, TargetStalls, stallThresholdMs } from '../../../src/failover/target-stalls.js';

const stallsAfter = (ms: number) => new TargetStalls<string, number>(() => ms);

describe('TargetStalls', () => {
  it('finds a target with a move outstanding and no answer for the threshold', () => {
    const stalls = stallsAfter(250);
    stalls.begin(1, 'a', 0);
    expect(stalls.isStalled('a', 250)).toBe(false);
    expect(stalls.isStalled('a', 251)).toBe(true);
    expect(stalls.stalledMoves(251)).toBe(1);
    expect([...stalls.stalled(251)]).toEqual(['a']);
    expect(stalls.isStalled('b', 1_000)).toBe(false); // nothing sent there
  });

  it('is not stalled while answers keep coming, even with old moves outstanding', () => {
    const stalls = stallsAfter(250);
    stalls.begin(1, 'a', 0); // queued behind the others on a busy server
    for (let i = 2; i < 100; i += 1) {
      stalls.begin(i, 'a', i * 10);
      stalls.end(i, i * 10 + 5);
    }
    expect(stalls.isStalled('a', 1_000)).toBe(false);
    expect(stalls.isStalled('a', 995 + 251)).toBe(true); // then it went quiet
  });

  it('forgets a target once nothing is outstanding there', () => {
    const stalls = stallsAfter(250);
    stalls.begin(1, 'a', 0);
    stalls.end(1, 900);
    expect(stalls.isStalled('a', 5_000)).toBe(false);
    expect([...stalls.stalled(5_000)]).toEqual([]);
    expect(stalls.stalledMoves(5_000)).toBe(0);
    stalls.begin(2, 'a', 5_000); // a new move starts the clock anew
    expect(stalls.isStalled('a', 5_200)).toBe(false);
  });

  it('moves a move that is sent again to its new target', () => {
    const stalls = stallsAfter(250);
    stalls.begin(1, 'a', 0);
    stalls.begin(1, 'b', 100);
    expect([...stalls.stalled(1_000)]).toEqual(['b']);
    stalls.end(1, 200);
    stalls.end(1, 300); // ending twice is harmless
    expect([...stalls.stalled(1_000)]).toEqual([]);
  });

  it('uses each target’s own threshold', () => {
    const stalls = new TargetStalls<string, number>((target) => (target === 'far' ? 1_200 : 250));
    stalls.begin(1, 'near', 0);
    stalls.begin(2, 'far', 0);
    expect([...stalls.stalled(600)]).toEqual(['near']);
  });

  it('counts the moves in flight to stalled targets', () => {
    const stalls = new TargetStalls<string, number>((target) => (target === 'far' ? 1_200 : 250));
    for (let i = 0; i < 5; i += 1) stalls.begin(i, 'near', 0);
    for (let i = 5; i < 8; i += 1) stalls.begin(i, 'far', 0);
    expect(stalls.stalledMoves(200)).toBe(0);
    expect(stalls.stalledMoves(600)).toBe(5);
    stalls.end(0, 600); // near answered: not stalled any more
    expect(stalls.stalledMoves(601)).toBe(0);
    expect(stalls.stalledMoves(1_300)).toBe(7);
  });

  it('waits longer for a node known to be far away', () => {
    expect(stallThresholdMs(null)).toBe(STALL_MIN_MS);
    expect(stallThresholdMs(20)).toBe(STALL_MIN_MS);
    expect(stallThresholdMs(600)).toBe(1_200);
  });
});
