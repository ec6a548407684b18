import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { type RetryEvent, type RetryOptions, retry } from '../../../src/resilience/retry.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const NO_JITTER = { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'none' } as const;

/** A function that fails `failures` times, then resolves; records when each call happened. */
function flaky(clock: FakeClock, failures: number) {
  const calls: { attempt: number; at: number }[] = [];
  const fn = (attempt: number): Promise<string> => {
    calls.push({ attempt, at: clock.now() });
    return calls.length > failures ? Promise.resolve('ok') : Promise.reject(new Error(`fail ${attempt}`));
  };
  return { fn, calls };
}

/** Starts `retry`, drives the fake clock until it settles, and returns its outcome. */
async function run<T>(
  clock: FakeClock,
  fn: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  options: Omit<RetryOptions, 'clock'>,
): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  retry(fn, { ...options, clock }).then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  for (let i = 0; i < 1_000 && outcome === undefined; i += 1) await clock.advanceAsync(100);
  if (!outcome) throw new Error('retry never settled');
  return outcome;
}

describe('retry', () => {
  it('returns the first success without waiting', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = flaky(clock, 0);
    await expect(retry(fn, { retries: 3, clock })).resolves.toBe('ok');
    expect(calls).toEqual([{ attempt: 1, at: 0 }]);
  });

  it('waits backoffDelay(attempt) between attempts and passes attempt and signal to fn', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = flaky(clock, 3);
    const signal = new AbortController().signal;
    const seen: (AbortSignal | undefined)[] = [];
    const events: RetryEvent[] = [];
    const outcome = await run(
      clock,
      (attempt, s) => {
        seen.push(s);
        return fn(attempt);
      },
      { retries: 5, policy: NO_JITTER, signal, onRetry: (event) => events.push(event) },
    );
    expect(outcome).toEqual({ value: 'ok' });
    expect(calls).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 100 },
      { attempt: 3, at: 300 },
      { attempt: 4, at: 700 },
    ]);
    expect(seen.every((s) => s === signal)).toBe(true);
    expect(events.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
      [1, 100],
      [2, 200],
      [3, 400],
    ]);
  });

  it('uses the injected random source for jitter', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = flaky(clock, 1);
    await run(clock, fn, { retries: 1, policy: { ...NO_JITTER, jitter: 'full' }, random: () => 0.5 });
    expect(calls.map((c) => c.at)).toEqual([0, 50]);
  });

  it('rethrows the last error unchanged when retries are exhausted', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = flaky(clock, Infinity);
    const { error } = await run(clock, fn, { retries: 2, policy: NO_JITTER });
    expect(calls).toHaveLength(3);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('fail 3');
  });

  it('retries: 0 calls once', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = flaky(clock, Infinity);
    await expect(retry(fn, { retries: 0, clock })).rejects.toThrow('fail 1');
    expect(calls).toHaveLength(1);
  });

  it('stops at once on an error shouldRetry rejects, and tells it the attempt', async () => {
    const clock = new FakeClock(0);
    const fatal = Object.assign(new Error('401'), { fatal: true });
    const asked: number[] = [];
    let calls = 0;
    const { error } = await run(clock, () => Promise.reject(++calls === 2 ? fatal : new Error('transient')), {
      retries: 10,
      policy: NO_JITTER,
      shouldRetry: (e, attempt) => {
        asked.push(attempt);
        return !(e as { fatal?: boolean }).fatal;
      },
    });
    expect(error).toBe(fatal);
    expect(calls).toBe(2);
    expect(asked).toEqual([1, 2]);
  });

  it('does not start a wait that would overrun the budget', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = flaky(clock, Infinity);
    // Waits 100, 200, 400: the third would end at 700 > 500.
    const { error } = await run(clock, fn, { retries: Infinity, policy: NO_JITTER, budgetMs: 500 });
    expect(calls.map((c) => c.at)).toEqual([0, 100, 300]);
    expect((error as Error).message).toBe('fail 3');
  });

  it('counts time spent inside fn against the budget', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const slow = async (): Promise<never> => {
      calls += 1;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 400));
      throw new Error('slow failure');
    };
    const { error } = await run(clock, slow, { retries: 5, policy: NO_JITTER, budgetMs: 450 });
    expect(calls).toBe(1);
    expect((error as Error).message).toBe('slow failure');
  });

  it('aborting during a wait rejects with ERR_ABORTED carrying the last error', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const { fn, calls } = flaky(clock, Infinity);
    const pending = retry(fn, { retries: 10, policy: NO_JITTER, signal: controller.signal, clock });
    await clock.advanceAsync(150);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.Aborted, message: 'retry was aborted after 2 attempts' });
    expect((error as Error).cause).toMatchObject({ message: 'fail 2' });
    expect(calls).toHaveLength(2);
    expect(clock.pendingCount).toBe(0);
  });

  it('does not retry an attempt that failed because of the abort', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    let calls = 0;
    const error = await retry(
      () => {
        calls += 1;
        controller.abort();
        return Promise.reject(new Error('cancelled'));
      },
      { retries: 10, signal: controller.signal, clock },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ code: ErrorCodes.Aborted });
  });

  it('does not call fn when the signal is already aborted', async () => {
    let calls = 0;
    await expect(
      retry(() => Promise.resolve(++calls), { retries: 1, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: ErrorCodes.Aborted });
    expect(calls).toBe(0);
  });

  it('catches a synchronous throw from fn like a rejection', async () => {
    const clock = new FakeClock(0);
    const { error } = await run(
      clock,
      () => {
        throw new Error('sync');
      },
      { retries: 1, policy: NO_JITTER },
    );
    expect((error as Error).message).toBe('sync');
  });

  it.each([
    [{ retries: -1 }, '`retries`'],
    [{ retries: 1.5 }, '`retries`'],
    [{ retries: 1, budgetMs: -5 }, '`budgetMs`'],
    [{ retries: 1, policy: { jitter: 'wild' } }, '`policy.jitter`'],
  ])('rejects invalid options %j naming the option', async (options, name) => {
    await expect(retry(() => Promise.resolve(1), options as never)).rejects.toThrow(name);
  });
});
