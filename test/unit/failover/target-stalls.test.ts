import { describe, expect, it } from 'vitest';
import { STALL_MIN_MS, TargetStalls, stallThresholdMs } from '../../../src/failover/target-stalls.js';

describe('TargetStalls', () => {
  it('finds a target with a move outstanding and no answer for the threshold', () => {
    const stalls = new TargetStalls<string, number>();
    stalls.begin(1, 'a', 0);
    expect(stalls.isStalled('a', 250, 250)).toBe(false);
    expect(stalls.isStalled('a', 251, 250)).toBe(true);
    expect(stalls.targetOf(1)).toBe('a');
    expect(stalls.isStalled('b', 1_000, 250)).toBe(false); // nothing sent there
  });

  it('is not stalled while answers keep coming, even with old moves outstanding', () => {
    const stalls = new TargetStalls<string, number>();
    stalls.begin(1, 'a', 0); // queued behind the others on a busy server
    for (let i = 2; i < 100; i += 1) {
      stalls.begin(i, 'a', i * 10);
      stalls.end(i, i * 10 + 5);
    }
    expect(stalls.isStalled('a', 1_000, 250)).toBe(false);
    expect(stalls.isStalled('a', 995 + 251, 250)).toBe(true); // then it went quiet
  });

  it('forgets a target once nothing is outstanding there', () => {
    const stalls = new TargetStalls<string, number>();
    stalls.begin(1, 'a', 0);
    stalls.end(1, 900);
    expect(stalls.isStalled('a', 5_000, 250)).toBe(false);
    expect([...stalls.targets()]).toEqual([]);
    expect(stalls.targetOf(1)).toBeUndefined();
    stalls.begin(2, 'a', 5_000); // a new move starts the clock anew
    expect(stalls.isStalled('a', 5_200, 250)).toBe(false);
  });

  it('moves a move that is sent again to its new target', () => {
    const stalls = new TargetStalls<string, number>();
    stalls.begin(1, 'a', 0);
    stalls.begin(1, 'b', 100);
    expect([...stalls.targets()]).toEqual(['b']);
    stalls.end(1, 200);
    stalls.end(1, 300); // ending twice is harmless
    expect([...stalls.targets()]).toEqual([]);
  });

  it('waits longer for a node known to be far away', () => {
    expect(stallThresholdMs(null)).toBe(STALL_MIN_MS);
    expect(stallThresholdMs(20)).toBe(STALL_MIN_MS);
    expect(stallThresholdMs(600)).toBe(1_200);
  });
});
