import { ErrorCodes, LavafleetError, hasCode } from '../errors.js';
import { type Clock, systemClock } from '../util/clock.js';
import { requireNumber } from '../util/validate.js';
import {
  type BackoffPolicy,
  type BackoffPolicyInput,
  backoffDelay,
  resolveBackoffPolicy,
} from './backoff.js';
import { abortError, sleep } from './sleep.js';

/** What {@link RetryOptions.onRetry} is told before each wait. */
export interface RetryEvent {
  /** The error of the attempt that just failed. */
  error: unknown;
  /** The attempt that just failed (1 = the first call). */
  attempt: number;
  /** The wait before the next attempt. */
  delayMs: number;
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Retries after the first call (0 = call once). `Infinity` retries until the budget or an abort. */
  retries: number;
  /**
   * Backoff between attempts; fields left out take {@link DEFAULT_BACKOFF}'s values.
   * @defaultValue DEFAULT_BACKOFF
   */
  policy?: BackoffPolicy | BackoffPolicyInput | undefined;
  /**
   * Whether the error of attempt `attempt` (1 = the first call) is worth another try. Return false for
   * errors that will not change on retry (401, 4xx, invalid input).
   * @defaultValue () => true
   */
  shouldRetry?: ((error: unknown, attempt: number) => boolean) | undefined;
  /** Stops the loop: the pending wait rejects with `ERR_ABORTED`. Also passed to each call. */
  signal?: AbortSignal | undefined;
  /**
   * Overall time budget in ms from the first call: no retry starts whose wait would end after it.
   * @defaultValue Infinity
   */
  budgetMs?: number | undefined;
  /** Called before each wait, for logging and metrics. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /**
   * Source of time and timers (internal; tests inject a fake clock).
   * @defaultValue systemClock
   */
  clock?: Clock | undefined;
  /**
   * Source of jitter in [0, 1) (internal; tests inject a fixed value).
   * @defaultValue Math.random
   */
  random?: (() => number) | undefined;
}

/**
 * Calls `fn` until it resolves, waiting {@link backoffDelay} between attempts. Gives up when
 * `shouldRetry` says no, when `retries` are used up or the next wait would overrun `budgetMs`, and
 * rethrows the last error unchanged. An abort rejects with `ERR_ABORTED` whose `cause` is the last
 * error (or the abort reason if no call failed yet).
 *
 * @example
 * ```ts
 * const info = await retry((attempt, signal) => rest.info({ signal }), {
 *   retries: 5,
 *   shouldRetry: (error) => !(error instanceof AuthenticationError),
 *   signal: node.signal,
 * });
 * ```
 */
export async function retry<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { signal, shouldRetry, onRetry, clock = systemClock, random = Math.random } = options;
  const retries = requireRetries(options.retries);
  const budgetMs = requireNumber('budgetMs', options.budgetMs ?? Infinity, { min: 0 });
  const policy = resolveBackoffPolicy(options.policy, 'policy');
  const startedAt = clock.now();

  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted) throw abortError(signal, 'retry');
    try {
      return await fn(attempt, signal);
    } catch (error) {
      if (signal?.aborted) throw abortedAfter(attempt, error);
      if (attempt > retries || (shouldRetry && !shouldRetry(error, attempt))) throw error;
      const delayMs = backoffDelay(attempt, policy, random);
      if (clock.now() - startedAt + delayMs > budgetMs) throw error;
      onRetry?.({ error, attempt, delayMs });
      try {
        await sleep(delayMs, { signal, clock });
      } catch (sleepError) {
        if (hasCode(sleepError, ErrorCodes.Aborted)) throw abortedAfter(attempt, error);
        throw sleepError;
      }
    }
  }
}

function requireRetries(value: unknown): number {
  if (value === Infinity) return Infinity;
  return requireNumber('retries', value, { min: 0, max: Number.MAX_SAFE_INTEGER - 1, integer: true });
}

function abortedAfter(attempts: number, lastError: unknown): LavafleetError {
  const plural = attempts === 1 ? 'attempt' : 'attempts';
  return new LavafleetError(ErrorCodes.Aborted, `retry was aborted after ${attempts} ${plural}`, {
    cause: lastError,
  });
}
