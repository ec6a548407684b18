import { describe, expect, it } from 'vitest';
import { ErrorCodes, LavafleetError, TimeoutError } from '../../../src/errors.js';
import { abortError, sleep, withTimeout } from '../../../src/resilience/sleep.js';
import { FakeClock } from '../../helpers/fake-clock.js';

/** Settles-or-not probe: resolves to the promise's state after pending microtasks run. */
async function state(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let result: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (result = 'resolved'),
    () => (result = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

describe('sleep', () => {
  it('resolves after ms on the injected clock', async () => {
    const clock = new FakeClock(0);
    const waiting = sleep(100, { clock });
    clock.advance(99);
    expect(await state(waiting)).toBe('pending');
    clock.advance(1);
    expect(await state(waiting)).toBe('resolved');
    expect(clock.pendingCount).toBe(0);
  });

  it('rejects with ERR_ABORTED and clears its timer when aborted', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const waiting = sleep(1_000, { clock, signal: controller.signal });
    const reason = new Error('shutting down');
    controller.abort(reason);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LavafleetError);
    expect(error).toMatchObject({ code: ErrorCodes.Aborted, cause: reason });
    expect(clock.pendingCount).toBe(0);
  });

  it('rejects at once, scheduling nothing, when the signal is already aborted', async () => {
    const clock = new FakeClock(0);
    const signal = AbortSignal.abort();
    await expect(sleep(10, { clock, signal })).rejects.toMatchObject({ code: ErrorCodes.Aborted });
    expect(clock.pendingCount).toBe(0);
  });

  it('removes its abort listener once it resolves', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const waiting = sleep(10, { clock, signal: controller.signal });
    clock.advance(10);
    await waiting;
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('rejects a negative, NaN or too-long delay', async () => {
    for (const ms of [-1, Number.NaN, 2 ** 31, Infinity]) {
      await expect(sleep(ms)).rejects.toThrow(RangeError);
    }
  });

  it('works on the system clock for short waits', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});

describe('withTimeout', () => {
  it('settles like the promise and leaves no timer behind', async () => {
    const clock = new FakeClock(0);
    await expect(withTimeout(Promise.resolve(7), 100, 'load', { clock })).resolves.toBe(7);
    const failure = new Error('nope');
    await expect(withTimeout(Promise.reject(failure), 100, 'load', { clock })).rejects.toBe(failure);
    expect(clock.pendingCount).toBe(0);
  });

  it('rejects with TimeoutError naming what timed out', async () => {
    const clock = new FakeClock(0);
    const never = new Promise<number>(() => undefined);
    const guarded = withTimeout(never, 250, 'GET /v4/info', { clock });
    clock.advance(249);
    expect(await state(guarded)).toBe('pending');
    clock.advance(1);
    const error = await guarded.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: ErrorCodes.Timeout, timeoutMs: 250 });
    expect((error as Error).message).toBe('GET /v4/info timed out after 250 ms');
    expect(clock.pendingCount).toBe(0);
  });

  it('absorbs a late rejection of the abandoned promise', async () => {
    const clock = new FakeClock(0);
    let rejectLate!: (error: Error) => void;
    const late = new Promise<number>((_, reject) => (rejectLate = reject));
    const guarded = withTimeout(late, 10, 'x', { clock });
    clock.advance(10);
    await expect(guarded).rejects.toBeInstanceOf(TimeoutError);
    rejectLate(new Error('too late'));
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('rejects with ERR_ABORTED on abort, clearing the timer and the listener', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const guarded = withTimeout(new Promise(() => undefined), 1_000, 'handshake', {
      clock,
      signal: controller.signal,
    });
    controller.abort();
    await expect(guarded).rejects.toMatchObject({ code: ErrorCodes.Aborted });
    expect(clock.pendingCount).toBe(0);
  });

  it('rejects at once for an already aborted signal', async () => {
    const clock = new FakeClock(0);
    const abandoned = Promise.reject(new Error('ignored'));
    await expect(
      withTimeout(abandoned, 10, 'x', { clock, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: ErrorCodes.Aborted });
    expect(clock.pendingCount).toBe(0);
  });

  it('with Infinity schedules no timer and still honours the signal', async () => {
    const clock = new FakeClock(0);
    await expect(withTimeout(Promise.resolve('ok'), Infinity, 'x', { clock })).resolves.toBe('ok');
    const controller = new AbortController();
    const guarded = withTimeout(new Promise(() => undefined), Infinity, 'x', {
      clock,
      signal: controller.signal,
    });
    expect(clock.pendingCount).toBe(0);
    controller.abort();
    await expect(guarded).rejects.toMatchObject({ code: ErrorCodes.Aborted });
  });

  it('rejects an invalid timeout', async () => {
    await expect(withTimeout(Promise.resolve(1), -1, 'x')).rejects.toThrow(RangeError);
  });
});

describe('abortError', () => {
  it('carries the signal reason as cause', () => {
    const controller = new AbortController();
    controller.abort('because');
    const error = abortError(controller.signal, 'The load');
    expect(error.code).toBe(ErrorCodes.Aborted);
    expect(error.cause).toBe('because');
    expect(error.message).toMatch(/^The load was aborted/);
  });
});
