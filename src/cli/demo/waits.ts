/**
 * Waits of the demo's script. None of them rejects: a wait that runs out (or is aborted) resolves
 * with null/false, so a fault can be injected between arming a wait and awaiting it without risking
 * an unhandled rejection.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool, PoolEvents } from '../../index.js';

/** The next `event` of `pool` that matches, or null after `timeoutMs` or on abort. */
export function nextEvent<K extends keyof PoolEvents>(
  pool: Pool,
  event: K,
  matches: (payload: PoolEvents[K]) => boolean,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PoolEvents[K] | null> {
  return new Promise((resolve) => {
    const finish = (payload: PoolEvents[K] | null): void => {
      off();
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(payload);
    };
    const onAbort = (): void => finish(null);
    const off = pool.on(event, (payload) => {
      if (matches(payload)) finish(payload);
    });
    const timer = setTimeout(() => finish(null), timeoutMs);
    timer.unref();
    if (signal.aborted) finish(null);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `condition` until it holds (true), `timeoutMs` passes or the signal aborts (false). */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  signal: AbortSignal,
  pollMs = 50,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (signal.aborted || performance.now() >= deadline) return false;
    await sleep(pollMs, signal);
  }
  return true;
}

/** Sleeps `ms`; returns early (false) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
