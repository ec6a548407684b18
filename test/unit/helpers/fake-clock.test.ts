import { describe, expect, it } from 'vitest';
import { FAKE_CLOCK_START_MS, FakeClock } from '../../helpers/fake-clock.js';

describe('FakeClock', () => {
  it('starts at a fixed epoch time, or the one given, and only moves on advance', () => {
    expect(new FakeClock().now()).toBe(FAKE_CLOCK_START_MS);
    const clock = new FakeClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(250);
    expect(clock.now()).toBe(1250);
  });

  it('fires a timeout once when due, not before', () => {
    const clock = new FakeClock(0);
    const calls: number[] = [];
    clock.setTimeout(() => calls.push(clock.now()), 100);
    expect(clock.advance(99)).toBe(0);
    expect(calls).toEqual([]);
    expect(clock.advance(1)).toBe(1);
    expect(calls).toEqual([100]);
    clock.advance(1000);
    expect(calls).toEqual([100]);
    expect(clock.pendingCount).toBe(0);
  });

  it('fires due timers in due-time order, ties in scheduling order, with now() at each due time', () => {
    const clock = new FakeClock(0);
    const order: string[] = [];
    clock.setTimeout(() => order.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => order.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => order.push(`b1@${clock.now()}`), 20);
    clock.setTimeout(() => order.push(`b2@${clock.now()}`), 20);
    expect(clock.advance(100)).toBe(4);
    expect(order).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.now()).toBe(100);
  });

  it('repeats intervals, interleaved with timeouts, until cleared', () => {
    const clock = new FakeClock(0);
    const order: string[] = [];
    const interval = clock.setInterval(() => order.push(`i@${clock.now()}`), 10);
    clock.setTimeout(() => order.push(`t@${clock.now()}`), 25);
    clock.advance(35);
    expect(order).toEqual(['i@10', 'i@20', 't@25', 'i@30']);
    clock.clearInterval(interval);
    clock.advance(100);
    expect(order).toHaveLength(4);
    expect(clock.pendingCount).toBe(0);
  });

  it('lets an interval clear itself from its own callback', () => {
    const clock = new FakeClock(0);
    let runs = 0;
    const handle = clock.setInterval(() => {
      runs += 1;
      if (runs === 3) clock.clearInterval(handle);
    }, 5);
    clock.advance(100);
    expect(runs).toBe(3);
  });

  it('fires timers scheduled by callbacks within the same advance when they fall due', () => {
    const clock = new FakeClock(0);
    const order: number[] = [];
    clock.setTimeout(() => {
      order.push(clock.now());
      clock.setTimeout(() => order.push(clock.now()), 15);
      clock.setTimeout(() => order.push(clock.now()), 500);
    }, 10);
    clock.advance(100);
    expect(order).toEqual([10, 25]);
    expect(clock.pendingCount).toBe(1);
    expect(clock.nextDueAt()).toBe(510);
  });

  it('clears timeouts, ignores unknown or undefined handles, and clearTimeout also clears intervals', () => {
    const clock = new FakeClock(0);
    let fired = 0;
    const timeout = clock.setTimeout(() => (fired += 1), 10);
    const interval = clock.setInterval(() => (fired += 1), 10);
    clock.clearTimeout(timeout);
    clock.clearTimeout(interval);
    clock.clearTimeout(undefined);
    clock.clearInterval(timeout);
    clock.advance(50);
    expect(fired).toBe(0);
  });

  it('treats 0, negative and non-finite delays as due now, and intervals as at least 1 ms', () => {
    const clock = new FakeClock(0);
    let fired = 0;
    clock.setTimeout(() => (fired += 1), 0);
    clock.setTimeout(() => (fired += 1), -5);
    clock.setTimeout(() => (fired += 1), Number.NaN);
    expect(clock.advance(0)).toBe(3);
    const handle = clock.setInterval(() => (fired += 1), 0);
    expect(clock.advance(3)).toBe(3);
    clock.clearInterval(handle);
    expect(fired).toBe(6);
  });

  it('runNext jumps to the next due time', () => {
    const clock = new FakeClock(0);
    let fired = 0;
    expect(clock.runNext()).toBe(0);
    clock.setTimeout(() => (fired += 1), 40);
    clock.setTimeout(() => (fired += 1), 40);
    clock.setTimeout(() => (fired += 1), 90);
    expect(clock.runNext()).toBe(2);
    expect(clock.now()).toBe(40);
    expect(fired).toBe(2);
  });

  it('rejects a negative or non-finite advance', () => {
    const clock = new FakeClock(0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Infinity)).toThrow(RangeError);
  });

  it('stops and reports a timer that reschedules itself at 0 ms forever', () => {
    const clock = new FakeClock(0);
    const loop = (): void => void clock.setTimeout(loop, 0);
    loop();
    expect(() => clock.advance(1)).toThrow(/reschedules itself/);
  });

  it('propagates a throwing callback, leaving now() at its due time and later timers pending', () => {
    const clock = new FakeClock(0);
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => undefined, 20);
    expect(() => clock.advance(50)).toThrow('boom');
    expect(clock.now()).toBe(10);
    expect(clock.pendingCount).toBe(1);
  });

  it('advanceAsync lets awaited timers chain with the right now()', async () => {
    const clock = new FakeClock(0);
    const wait = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms));
    const seen: number[] = [];
    const run = (async () => {
      for (let i = 0; i < 3; i += 1) {
        await wait(10);
        seen.push(clock.now());
      }
    })();
    await clock.advanceAsync(100);
    await run;
    expect(seen).toEqual([10, 20, 30]);
    expect(clock.now()).toBe(100);
  });
});
