import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineTimer } from '../../../src/testing/deadline-timer.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('DeadlineTimer', () => {
  it('fires once the clock reaches the deadline and keeps the earliest one', () => {
    vi.useFakeTimers();
    let fired = 0;
    const timer = new DeadlineTimer(Date.now, () => fired++);
    timer.armAt(Date.now() + 100);
    timer.armAt(Date.now() + 500);
    vi.advanceTimersByTime(99);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
  });

  it('re-arms when a fake clock lags behind real time, and check() fires when it catches up', () => {
    vi.useFakeTimers();
    let clock = 0;
    let fired = 0;
    const timer = new DeadlineTimer(
      () => clock,
      () => fired++,
    );
    timer.armAt(50);
    vi.advanceTimersByTime(200);
    expect(fired).toBe(0);
    clock = 50;
    timer.check();
    expect(fired).toBe(1);
    timer.check();
    expect(fired).toBe(1);
    timer.armAt(60);
    timer.cancel();
    clock = 100;
    timer.check();
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
  });
});
