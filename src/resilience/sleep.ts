import { ErrorCodes, LavafleetError, TimeoutError } from '../errors.js';
import { type Clock, type TimerHandle, systemClock } from '../util/clock.js';

/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Rejects the wait early with `ERR_ABORTED`. */
  signal?: AbortSignal | undefined;
  /**
   * Source of timers.
   * @defaultValue systemClock
   */
  clock?: Clock | undefined;
}

/** Options of {@link withTimeout}. */
export type WithTimeoutOptions = SleepOptions;

/** The longest delay Node's timers honour; longer ones silently fire after 1 ms. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** The `ERR_ABORTED` error for an aborted signal; the signal's reason becomes its `cause`. */
export function abortError(signal: AbortSignal, what = 'The operation'): LavafleetError {
  return new LavafleetError(ErrorCodes.Aborted, `${what} was aborted through its AbortSignal`, {
    cause: signal.reason,
  });
}

/**
 * Resolves after `ms` on the clock's timers; rejects with `ERR_ABORTED` (timer cleared) when `signal`
 * aborts. `ms` must be in [0, 2_147_483_647].
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal, clock = systemClock } = options;
  if (typeof ms !== 'number' || !(ms >= 0 && ms <= MAX_TIMER_DELAY_MS)) {
    return Promise.reject(
      new RangeError(`sleep: ms must be a number from 0 to ${MAX_TIMER_DELAY_MS}, received ${String(ms)}`),
    );
  }
  if (signal?.aborted) return Promise.reject(abortError(signal, 'The wait'));
  return new Promise<void>((resolve, reject) => {
    let onAbort: (() => void) | undefined;
    const timer = clock.setTimeout(() => {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal) {
      onAbort = () => {
        clock.clearTimeout(timer);
        reject(abortError(signal, 'The wait'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}

/**
 * Settles like `promise`, unless `ms` passes first (rejects with {@link TimeoutError} naming `what`)
 * or `signal` aborts (rejects with `ERR_ABORTED`). The timer and listener are always removed. The
 * underlying operation is not cancelled; a later rejection of `promise` is absorbed. `ms` may be
 * `Infinity` for no timeout.
 */
export function withTimeout<T>(
  promise: PromiseLike<T>,
  ms: number,
  what: string,
  options: WithTimeoutOptions = {},
): Promise<T> {
  const { signal, clock = systemClock } = options;
  if (typeof ms !== 'number' || !(ms >= 0 && (ms <= MAX_TIMER_DELAY_MS || ms === Infinity))) {
    absorb(promise);
    return Promise.reject(
      new RangeError(
        `withTimeout: ms must be a number from 0 to ${MAX_TIMER_DELAY_MS} or Infinity, received ${String(ms)}`,
      ),
    );
  }
  if (signal?.aborted) {
    absorb(promise);
    return Promise.reject(abortError(signal, what));
  }
  let timer: TimerHandle | undefined;
  let onAbort: (() => void) | undefined;
  // Settles only on timeout or abort; once `promise` wins, the cleanup below leaves it unreachable.
  const guard = new Promise<never>((_, reject) => {
    if (ms !== Infinity) timer = clock.setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    if (signal) {
      onAbort = () => reject(abortError(signal, what));
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return Promise.race([promise, guard]).finally(() => {
    clock.clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  });
}

/** Marks an abandoned promise as handled so that its rejection cannot crash the process. */
function absorb(promise: PromiseLike<unknown>): void {
  promise.then(undefined, () => undefined);
}
