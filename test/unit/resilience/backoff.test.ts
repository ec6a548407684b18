import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import {
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  backoffDelay,
  resolveBackoffPolicy,
} from '../../../src/resilience/backoff.js';

const policy = (jitter: BackoffPolicy['jitter']): BackoffPolicy => ({
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  jitter,
});
function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
const fixed = (value: number) => () => value;
/** Just below 1, the largest value Math.random can return. */
const ALMOST_ONE = 1 - Number.EPSILON;

describe('backoffDelay', () => {
  it("'none' doubles from baseDelayMs per attempt and caps at maxDelayMs", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelay(attempt, policy('none')));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it("'full' stays within [0, ceiling] for every attempt and spans the range", () => {
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(5_000, 100 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, policy('full'), fixed(0))).toBe(0);
      expect(backoffDelay(attempt, policy('full'), fixed(0.5))).toBe(ceiling / 2);
      const top = backoffDelay(attempt, policy('full'), fixed(ALMOST_ONE));
      expect(top).toBeLessThanOrEqual(ceiling);
      expect(top).toBeGreaterThan(ceiling * 0.999);
      for (let i = 0; i < 50; i += 1) {
        const delay = backoffDelay(attempt, policy('full'));
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("'equal' stays within [ceiling / 2, ceiling]", () => {
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(5_000, 100 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, policy('equal'), fixed(0))).toBe(ceiling / 2);
      expect(backoffDelay(attempt, policy('equal'), fixed(ALMOST_ONE))).toBeLessThanOrEqual(ceiling);
      for (let i = 0; i < 50; i += 1) {
        const delay = backoffDelay(attempt, policy('equal'));
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('is overflow-safe for huge attempts', () => {
    for (const attempt of [64, 1024, 1025, 10_000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(attempt, policy('none'))).toBe(5_000);
      expect(backoffDelay(attempt, { baseDelayMs: 0, maxDelayMs: 0, jitter: 'none' })).toBe(0);
      expect(Number.isFinite(backoffDelay(attempt, policy('full')))).toBe(true);
    }
  });

  it('keeps a faulty random source inside the bounds', () => {
    expect(backoffDelay(3, policy('full'), fixed(7))).toBe(400);
    expect(backoffDelay(3, policy('full'), fixed(-3))).toBe(0);
    expect(backoffDelay(3, policy('full'), fixed(Number.NaN))).toBe(0);
  });

  it('rejects an attempt that is not an integer >= 1', () => {
    for (const attempt of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => backoffDelay(attempt, DEFAULT_BACKOFF)).toThrow(RangeError);
    }
  });
});

describe('resolveBackoffPolicy', () => {
  it('returns the frozen defaults when nothing is given', () => {
    const resolved = resolveBackoffPolicy(undefined, 'reconnect');
    expect(resolved).toEqual({ baseDelayMs: 1_000, maxDelayMs: 30_000, jitter: 'full' });
    expect(resolved).toEqual(DEFAULT_BACKOFF);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(DEFAULT_BACKOFF)).toBe(true);
  });

  it('merges with ?? so that 0 is a valid value and undefined means default', () => {
    expect(resolveBackoffPolicy({ baseDelayMs: 0, maxDelayMs: 0, jitter: undefined }, 'x')).toEqual({
      baseDelayMs: 0,
      maxDelayMs: 0,
      jitter: 'full',
    });
  });

  it('raises the default max along with a base above it', () => {
    expect(resolveBackoffPolicy({ baseDelayMs: 60_000 }, 'x').maxDelayMs).toBe(60_000);
  });

  it.each([
    [{ baseDelayMs: -1 }, 'reconnect.baseDelayMs', RangeError],
    [{ baseDelayMs: '5' }, 'reconnect.baseDelayMs', TypeError],
    [{ baseDelayMs: Infinity }, 'reconnect.baseDelayMs', RangeError],
    [{ maxDelayMs: 10, baseDelayMs: 20 }, 'reconnect.maxDelayMs', RangeError],
    [{ maxDelayMs: 2 ** 31 }, 'reconnect.maxDelayMs', RangeError],
    [{ maxDelayMs: Number.NaN }, 'reconnect.maxDelayMs', TypeError],
    [{ jitter: 'decorrelated' }, 'reconnect.jitter', TypeError],
  ])('rejects %j naming %s', (input, option, kind) => {
    const run = () => resolveBackoffPolicy(input as never, 'reconnect');
    expect(run).toThrow(kind);
    expect(run).toThrow(`\`${option}\``);
    expect(catchError(run)).toMatchObject({ code: ErrorCodes.InvalidOption });
  });

  it('rejects a non-object naming the prefix, and names bare fields without a prefix', () => {
    expect(() => resolveBackoffPolicy(5 as never, 'reconnect')).toThrow('`reconnect`');
    expect(() => resolveBackoffPolicy({ baseDelayMs: -1 }, '')).toThrow('`baseDelayMs`');
  });
});
